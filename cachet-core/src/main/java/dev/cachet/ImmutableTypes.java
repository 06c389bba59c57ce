package dev.cachet;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which decoded types one instance can be handed to every reader of a value: those that no reader can change.
 * A type qualifies when every instance is immutable all the way down: strings, primitives and their boxes,
 * {@link BigDecimal}, {@link BigInteger}, {@link UUID}, {@link URI}, the {@code java.time} value types, enums
 * (the codec hands out the constant itself anyway), and records whose components' declared types all
 * qualify (a record's fields are final; a component typed {@code List<String>} does not qualify, because the
 * codec builds a mutable list). Arrays, collections, interfaces, {@code Object} and classes with setters never
 * qualify: a reader that changed one would change it for every other reader.
 */
final class ImmutableTypes {
    private static final Set<Class<?>> VALUES = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class,
            UUID.class, URI.class, Instant.class, Duration.class, Period.class, LocalDate.class, LocalTime.class,
            LocalDateTime.class, OffsetDateTime.class, OffsetTime.class, ZonedDateTime.class, Year.class,
            YearMonth.class, MonthDay.class, ZoneOffset.class);

    private static final ClassValue<Boolean> CLASSES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return qualifies(type, new HashSet<>());
        }
    };
    private static final ConcurrentHashMap<Type, Boolean> GENERIC = new ConcurrentHashMap<>();

    private ImmutableTypes() {
    }

    /** Whether every value decoded as {@code type} is immutable all the way down. */
    static boolean deeplyImmutable(Type type) {
        if (type instanceof Class<?> plain) {
            return CLASSES.get(plain);
        }
        return GENERIC.computeIfAbsent(type, generic -> qualifies(generic, new HashSet<>()));
    }

    private static boolean qualifies(Type type, Set<Type> visiting) {
        if (type instanceof ParameterizedType parameterized) {
            // A generic record's components are declared with type variables, which could be anything.
            return false;
        }
        if (!(type instanceof Class<?> plain)) {
            return false;
        }
        if (plain.isPrimitive() || plain.isEnum() || VALUES.contains(plain)) {
            return true;
        }
        if (!plain.isRecord() || plain.getTypeParameters().length > 0) {
            return false;
        }
        if (!visiting.add(plain)) {
            // A record that contains itself qualifies if everything else in it does.
            return true;
        }
        for (RecordComponent component : plain.getRecordComponents()) {
            if (!qualifies(component.getGenericType(), visiting)) {
                return false;
            }
        }
        return true;
    }
}
