// jsdom has no canvas (and no matchMedia, which uPlot reads when its module loads): every test gets
// a stub uPlot that records what it was given. The plots' numbers are tested as pure functions.
import { vi } from 'vitest';

vi.mock('uplot', () => {
  class StubUPlot {
    static instances: StubUPlot[] = [];
    static paths = { bars: () => () => null, stepped: () => () => null };
    width: number;
    height: number;
    destroyed = false;
    constructor(
      readonly opts: { width: number; height: number },
      public data: unknown,
      readonly target: HTMLElement,
    ) {
      this.width = opts.width;
      this.height = opts.height;
      StubUPlot.instances.push(this);
    }
    setData(data: unknown) {
      this.data = data;
    }
    setSize({ width, height }: { width: number; height: number }) {
      this.width = width;
      this.height = height;
    }
    destroy() {
      this.destroyed = true;
    }
  }
  return { default: StubUPlot };
});
