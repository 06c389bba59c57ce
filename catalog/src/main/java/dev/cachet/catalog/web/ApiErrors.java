package dev.cachet.catalog.web;

import dev.cachet.catalog.Conflict;
import dev.cachet.catalog.InvalidField;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Errors as JSON: {@code {"error": ..., "field": ..., "message": ...}}, with the status that fits. */
@RestControllerAdvice(annotations = RestController.class)
class ApiErrors {
    /** SQL's state for a unique constraint violated, on PostgreSQL and H2 alike. */
    private static final String UNIQUE_VIOLATION = "23505";

    @ExceptionHandler(InvalidField.class)
    ResponseEntity<Map<String, String>> invalid(InvalidField e) {
        return badRequest(e.field(), e.getMessage());
    }

    @ExceptionHandler(MethodArgumentNotValidException.class)
    ResponseEntity<Map<String, String>> invalid(MethodArgumentNotValidException e) {
        FieldError field = e.getBindingResult().getFieldError();
        return field == null ? badRequest(null, "invalid request") : badRequest(field.getField(), field.getDefaultMessage());
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, String>> missing(MissingServletRequestParameterException e) {
        return badRequest(e.getParameterName(), "is required");
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, String>> mismatch(MethodArgumentTypeMismatchException e) {
        return badRequest(e.getName(), "must be a number, was '" + e.getValue() + "'");
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
        // A field the resource does not have, or a value of the wrong type, names its field; malformed JSON has
        // none to name.
        if (e.getMostSpecificCause() instanceof DatabindException mapping && !mapping.getPath().isEmpty()) {
            String field = mapping.getPath().getLast().getPropertyName();
            if (field != null) {
                return badRequest(field, mapping instanceof UnrecognizedPropertyException
                        ? "is not a field of this resource" : "has a value of the wrong type");
            }
        }
        return badRequest(null, "the body is not valid JSON for this resource");
    }

    @ExceptionHandler(Conflict.class)
    ResponseEntity<Map<String, String>> conflict(Conflict e) {
        return conflict(e.getMessage());
    }

    /**
     * A slug already taken (the one unique column a client writes), or a constraint the checks before the write
     * could not see, such as a product added to a category being deleted. Hibernate reports a unique violation
     * as a plain integrity violation; the SQL state tells them apart.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Map<String, String>> integrity(DataIntegrityViolationException e) {
        if (e instanceof DuplicateKeyException || uniqueViolation(e)) {
            return badRequest("slug", "is already used");
        }
        return conflict("the write conflicts with a concurrent change to the data it refers to; read it again and retry");
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(NoSuchElementException.class)
    ResponseEntity<Map<String, String>> notFound(NoSuchElementException e) {
        return error(HttpStatus.NOT_FOUND, "not found", null, e.getMessage());
    }

    private static ResponseEntity<Map<String, String>> conflict(String message) {
        return error(HttpStatus.CONFLICT, "conflict", null, message);
    }

    private static ResponseEntity<Map<String, String>> badRequest(String field, String message) {
        return error(HttpStatus.BAD_REQUEST, "invalid request", field, message);
    }

    private static ResponseEntity<Map<String, String>> error(HttpStatus status, String error, String field, String message) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        if (field != null) {
            body.put("field", field);
        }
        body.put("message", message);
        return ResponseEntity.status(status).body(body);
    }
}
