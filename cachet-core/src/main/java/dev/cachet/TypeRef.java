package dev.cachet;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The type a cached value is read back as, generic types included.
 *
 * <p>For a plain class use {@link #of(Class)}; for a generic type subclass it anonymously, as with
 * Jackson's {@code TypeReference}: {@code new TypeRef<List<Product>>() {}}. Instances are immutable.
 *
 * @param <T> the type
 */
public abstract class TypeRef<T> {
    /** One reference per class, made once: reads by class are the hot path, and references are immutable. */
    private static final ClassValue<TypeRef<?>> PLAIN = new ClassValue<>() {
        @Override
        protected TypeRef<?> computeValue(Class<?> type) {
            return new TypeRef<>(type) {};
        }
    };

    private final Type type;

    /** Captures the type argument of the anonymous subclass. */
    protected TypeRef() {
        Type superclass = getClass().getGenericSuperclass();
        if (!(superclass instanceof ParameterizedType parameterized)) {
            throw new IllegalStateException(
                    "TypeRef must be created with a type argument, e.g. new TypeRef<List<String>>() {}");
        }
        this.type = parameterized.getActualTypeArguments()[0];
    }

    private TypeRef(Type type) {
        this.type = type;
    }

    /** The type reference for a non-generic class. */
    public static <T> TypeRef<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        @SuppressWarnings("unchecked")
        TypeRef<T> ref = (TypeRef<T>) PLAIN.get(type);
        return ref;
    }

    /** The referenced type. */
    public final Type type() {
        return type;
    }

    @Override
    public final boolean equals(Object o) {
        return o instanceof TypeRef<?> other && other.type.equals(type);
    }

    @Override
    public final int hashCode() {
        return type.hashCode();
    }

    @Override
    public final String toString() {
        return "TypeRef[" + type.getTypeName() + "]";
    }
}
