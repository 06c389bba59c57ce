package dev.cachet.catalog;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

/** A field of a request whose value cannot be taken: answered with 400 naming the field. */
public final class InvalidField extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    /** {@code field} is wrong, as {@code message} says. */
    public InvalidField(String field, String message) {
        super(message);
        this.field = field;
    }

    /** Checks {@code value} (a merged PATCH, say) against its constraints; throws for the first violation. */
    public static void check(Validator validator, Object value) {
        for (ConstraintViolation<Object> violation : validator.validate(value)) {
            throw new InvalidField(violation.getPropertyPath().toString(), violation.getMessage());
        }
    }

    /** The field's name, as the client sent it. */
    public String field() {
        return field;
    }
}
