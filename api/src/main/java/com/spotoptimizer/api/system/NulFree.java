package com.spotoptimizer.api.system;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Collection;
import java.util.Map;

/**
 * No NUL character (U+0000) in a string, or anywhere in a JSON object or array (keys included):
 * PostgreSQL's text and jsonb cannot store it, so such input would fail only later, in a write.
 */
@Documented
@Constraint(validatedBy = NulFree.Validator.class)
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface NulFree {

    String message() default "must not contain the NUL character (U+0000)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<NulFree, Object> {

        @Override
        public boolean isValid(Object value, ConstraintValidatorContext context) {
            return nulFree(value);
        }

        static boolean nulFree(Object value) {
            if (value instanceof CharSequence text) {
                return text.chars().noneMatch(c -> c == 0);
            }
            if (value instanceof Map<?, ?> map) {
                return map.entrySet().stream().allMatch(e -> nulFree(e.getKey()) && nulFree(e.getValue()));
            }
            if (value instanceof Collection<?> items) {
                return items.stream().allMatch(Validator::nulFree);
            }
            return true;
        }
    }
}
