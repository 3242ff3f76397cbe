import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { DemoteTo, Market, SwitchTarget } from '../api/types';
import type { Card } from '../state/fleetState';
import { canPromote, canSwitch } from '../state/moves';
import { instanceLabel } from '../state/selectors';

interface Props {
  card: Card;
  /** Instance types the fleet already uses, offered as suggestions. */
  knownTypes: string[];
  onPromote: (instanceId: string, demoteTo: DemoteTo) => void;
  onSwitch: (instanceId: string, agentId: string, target: SwitchTarget) => void;
  onDismiss: (instanceId: string) => void;
}

/**
 * The optimizer's moves on one instance: "Promote…" on a running replica (with what the old primary
 * becomes) and "Switch type…" on a running primary (a MANUAL_SWITCH command). Shows the request in
 * flight, its acceptance, and a refusal next to the action it refused.
 */
export function MoveControls({ card, knownTypes, onPromote, onSwitch, onDismiss }: Props) {
  const [open, setOpen] = useState<'promote' | 'switch' | null>(null);
  const triggerRef = useRef<HTMLButtonElement>(null);
  const { instance, move } = card;
  const label = instanceLabel(instance);
  const promotable = canPromote(card);
  const switchable = canSwitch(card);

  const close = () => {
    setOpen(null);
    // Focus goes back to the button that opened the form.
    requestAnimationFrame(() => triggerRef.current?.focus());
  };

  if (!promotable && !switchable && !move) return null;
  return (
    <div className="moves" data-testid="moves">
      {open === null && promotable && (
        <button type="button" ref={triggerRef} className="button button--outline button--small" onClick={() => setOpen('promote')}>
          Promote…
        </button>
      )}
      {open === null && switchable && (
        <button type="button" ref={triggerRef} className="button button--outline button--small" onClick={() => setOpen('switch')}>
          Switch type…
        </button>
      )}
      {open === 'promote' && (
        <PromoteForm
          label={label}
          onCancel={close}
          onConfirm={(demoteTo) => {
            close();
            onPromote(instance.instance_id, demoteTo);
          }}
        />
      )}
      {open === 'switch' && (
        <SwitchDialog
          label={label}
          currentType={instance.instance_type}
          knownTypes={knownTypes}
          onCancel={close}
          onSend={(target) => {
            close();
            onSwitch(instance.instance_id, instance.agent_id, target);
          }}
        />
      )}
      {move && <MoveStatus card={card} onDismiss={() => onDismiss(instance.instance_id)} />}
    </div>
  );
}

function MoveStatus({ card, onDismiss }: { card: Card; onDismiss: () => void }) {
  const move = card.move!;
  const what = move.action === 'promote' ? 'Promote' : `Switch to ${move.target?.instance_type ?? 'another type'}`;
  if (move.phase === 'failed') {
    return (
      <div className="notice notice--danger move-status" role="alert" data-move={move.action} data-phase="failed">
        <p>
          <strong>{what} refused:</strong> {move.message}
        </p>
        <button type="button" className="button button--ghost button--small" onClick={onDismiss}>
          Dismiss
        </button>
      </div>
    );
  }
  return (
    <p className="muted move-status" role="status" data-move={move.action} data-phase={move.phase}>
      {move.phase === 'sending' && <span className="spinner" aria-hidden="true" />}{' '}
      {move.phase === 'sending' ? `${what}: sending…` : `${what} accepted`}
      {move.action === 'promote' && move.demoteTo && ` (the old primary becomes ${move.demoteTo === 'replica' ? 'a replica' : 'terminated'})`}
      {'. '}
      <span className="move-status__id">
        Request <code>{move.requestId}</code>
      </span>
    </p>
  );
}

function PromoteForm({ label, onConfirm, onCancel }: { label: string; onConfirm: (d: DemoteTo) => void; onCancel: () => void }) {
  const [demoteTo, setDemoteTo] = useState<DemoteTo>('replica');
  const name = useId();
  const firstRef = useRef<HTMLInputElement>(null);
  useEffect(() => firstRef.current?.focus(), []);
  return (
    <form
      className="confirm move-form"
      aria-label={`Promote ${label}`}
      onKeyDown={(e) => escapeCloses(e, onCancel)}
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onConfirm(demoteTo);
      }}
    >
      <fieldset className="move-form__choice">
        <legend>Promote {label} to primary. The current primary becomes:</legend>
        <label>
          <input ref={firstRef} type="radio" name={name} value="replica" checked={demoteTo === 'replica'} onChange={() => setDemoteTo('replica')} /> a
          replica
        </label>
        <label>
          <input type="radio" name={name} value="terminated" checked={demoteTo === 'terminated'} onChange={() => setDemoteTo('terminated')} />{' '}
          terminated
        </label>
      </fieldset>
      <div className="move-form__buttons">
        <button type="submit" className="button button--primary button--small">
          Confirm promote
        </button>
        <button type="button" className="button button--ghost button--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

interface SwitchProps {
  label: string;
  currentType: string;
  knownTypes: string[];
  onSend: (target: SwitchTarget) => void;
  onCancel: () => void;
}

function SwitchDialog({ label, currentType, knownTypes, onSend, onCancel }: SwitchProps) {
  const ids = { title: useId(), type: useId(), subnet: useId(), market: useId(), types: useId(), hint: useId() };
  const [type, setType] = useState('');
  const [subnet, setSubnet] = useState('');
  const [market, setMarket] = useState<Market>('spot');
  const [invalid, setInvalid] = useState<string | null>(null);
  const typeRef = useRef<HTMLInputElement>(null);
  useEffect(() => typeRef.current?.focus(), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const instanceType = type.trim();
    if (!/^[a-z0-9]+[a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) {
      setInvalid('Enter an instance type such as m5.large.');
      typeRef.current?.focus();
      return;
    }
    const target: SwitchTarget = { instance_type: instanceType, market };
    if (subnet.trim()) target.subnet_id = subnet.trim();
    onSend(target);
  };

  return (
    <div className="move-dialog" role="dialog" aria-modal="false" aria-labelledby={ids.title} onKeyDown={(e) => escapeCloses(e, onCancel)}>
      <h3 id={ids.title} className="move-dialog__title">
        Switch {label} ({currentType})
      </h3>
      <p className="muted" id={ids.hint}>
        A replacement is launched as a replica, promoted, and this instance terminated. Sent as a MANUAL_SWITCH command.
      </p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor={ids.type}>Target instance type</label>
          <input
            id={ids.type}
            ref={typeRef}
            className="input"
            list={ids.types}
            value={type}
            onChange={(e) => {
              setType(e.target.value);
              setInvalid(null);
            }}
            aria-invalid={invalid ? true : undefined}
            aria-describedby={invalid ? `${ids.type}-error` : ids.hint}
            autoComplete="off"
            spellCheck={false}
            required
          />
          <datalist id={ids.types}>
            {knownTypes
              .filter((t) => t !== currentType)
              .map((t) => (
                <option key={t} value={t} />
              ))}
          </datalist>
          {invalid && (
            <p className="field__error" id={`${ids.type}-error`} role="alert">
              {invalid}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={ids.subnet}>Subnet (optional)</label>
          <input id={ids.subnet} className="input" value={subnet} onChange={(e) => setSubnet(e.target.value)} autoComplete="off" spellCheck={false} />
        </div>
        <div className="field">
          <label htmlFor={ids.market}>Market</label>
          <select id={ids.market} className="input" value={market} onChange={(e) => setMarket(e.target.value as Market)}>
            <option value="spot">spot</option>
            <option value="on-demand">on-demand</option>
          </select>
        </div>
        <div className="move-form__buttons">
          <button type="submit" className="button button--primary button--small">
            Send switch
          </button>
          <button type="button" className="button button--ghost button--small" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** Escape closes the form without closing the detail panel around it. */
function escapeCloses(e: KeyboardEvent, close: () => void) {
  if (e.key === 'Escape') {
    e.stopPropagation();
    close();
  }
}
