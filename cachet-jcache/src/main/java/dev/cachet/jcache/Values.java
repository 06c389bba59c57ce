package dev.cachet.jcache;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.cachet.Codec;
import dev.cachet.TypeRef;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.AnnotatedConstructor;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.AnnotatedParameter;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.module.SimpleModule;

/**
 * How JCache keys and values, which are any Java objects, become Cachet's strings and bytes without Java
 * serialization. Each one is written as JSON inside a {@link Holder} whose field is declared {@code Object}, so
 * the JSON names the class of the key or value (and of every non-final object inside it), and it is read back
 * as that class; a class named in stored data is loaded only if its name starts with an allowed prefix.
 * Objects are written field by field (getters and setters are ignored), so a class needs a no-argument
 * constructor, a constructor its fields can name, to be one Jackson knows (boxed numbers, strings, dates,
 * collections), or to be {@link Serializable}: such a class is rebuilt as Java serialization would rebuild it,
 * fields set one by one on an instance whose constructors did not run (Hibernate's cache entries and locks).
 *
 * <p>The key's JSON is its stored key, so equal keys must give equal JSON: maps are written in key order, but a
 * key whose JSON depends on anything else (a {@code HashSet}'s iteration order) may make two equal keys two
 * entries. A value is stored as Cachet's value format, a header byte for "JSON, not compressed" followed by the
 * JSON, so a {@link dev.cachet.Cache} over the same store and codec reads it too.
 */
final class Values {
    /** Cachet's value header {@code 11fffccc} for format 1 (JSON) and no compression. */
    private static final byte JSON_HEADER = (byte) 0b1100_1000;

    /** Classes Jackson writes without a class name, which are read back as themselves without one. */
    private static final Set<Class<?>> NATURAL = Set.of(String.class, Integer.class, Boolean.class, Double.class);

    private final JsonMapper mapper;
    private final PolymorphicTypeValidator validator;

    /** @param allowedPrefixes class-name prefixes, besides {@link Codec#JDK_VALUE_TYPES}, that stored data may name */
    Values(List<String> allowedPrefixes) {
        List<String> allowed = new ArrayList<>(Codec.JDK_VALUE_TYPES);
        for (String prefix : allowedPrefixes) {
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("an allowed type prefix must not be blank");
            }
            allowed.add(prefix);
        }
        this.validator = Codec.allowing(List.copyOf(allowed));
        this.mapper = JsonMapper.builder()
                .typeFactory(Codec.typesAllowedBy(validator))
                .activateDefaultTyping(validator, DefaultTyping.NON_FINAL, JsonTypeInfo.As.PROPERTY)
                .changeDefaultVisibility(checker -> checker.withFieldVisibility(Visibility.ANY)
                        .withGetterVisibility(Visibility.NONE)
                        .withIsGetterVisibility(Visibility.NONE)
                        .withSetterVisibility(Visibility.NONE))
                .annotationIntrospector(new FieldNamedParameters())
                .addModule(new SimpleModule("cachet-serializable") {
                    private static final long serialVersionUID = 1L;

                    @Override
                    public void setupModule(SetupContext context) {
                        super.setupModule(context);
                        context.addValueInstantiators(new SerializableFields());
                    }
                })
                // A final field is state like any other: without this, an object built through its no-argument
                // constructor would keep that constructor's values in its final fields and be wrong, silently.
                .enable(MapperFeature.ALLOW_FINAL_FIELDS_AS_MUTATORS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
    }

    /**
     * The string form of {@code key}.
     *
     * @throws IllegalArgumentException if the key's class is not allowed or it cannot be written as JSON
     */
    String key(Object key) {
        checkAllowed("key", key.getClass());
        try {
            return mapper.writeValueAsString(new Holder(key));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("key of " + key.getClass().getName() + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The key whose string form is {@code json}, or null when it cannot be read back (a class not allowed). */
    Object keyOf(String json) {
        try {
            return mapper.readValue(json, Holder.class).value();
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * The stored bytes of {@code value}.
     *
     * @throws IllegalArgumentException if the value's class is not allowed or it cannot be written as JSON
     */
    byte[] encode(Object value) {
        checkAllowed("value", value.getClass());
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(new Holder(value));
        } catch (JacksonException e) {
            throw new IllegalArgumentException("value of " + value.getClass().getName() + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
        byte[] stored = new byte[json.length + 1];
        stored[0] = JSON_HEADER;
        System.arraycopy(json, 0, stored, 1, json.length);
        return stored;
    }

    /**
     * The value stored as {@code stored}, or null when the bytes are not a value this provider wrote or name a
     * class that is not allowed: such an entry is absent to JCache.
     */
    Object decode(byte[] stored) {
        if (stored.length < 2 || stored[0] != JSON_HEADER) {
            return null;
        }
        try {
            return mapper.readValue(stored, 1, stored.length - 1, Holder.class).value();
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * Refuses a key or value whose class could not be read back, rather than store what would always be a miss.
     * Only the outermost class is checked; a class not allowed deeper inside makes the entry a miss.
     */
    private void checkAllowed(String what, Class<?> type) {
        Class<?> checked = type;
        while (checked.isArray()) {
            checked = checked.getComponentType();
        }
        if (checked.isPrimitive() || NATURAL.contains(checked)) {
            return;
        }
        if (validator.validateSubClassName(null, null, type.getName()) == PolymorphicTypeValidator.Validity.ALLOWED) {
            return;
        }
        throw new IllegalArgumentException("a " + what + " of " + type.getName() + " cannot be stored: its class is not in "
                + Settings.ALLOWED_TYPES + " (class-name prefixes that stored data may name)");
    }

    /** The same encoding as a Cachet codec, for the {@link dev.cachet.Cache} that JCache caches unwrap to. */
    Codec codec() {
        return new Codec() {
            @Override
            public int format() {
                return 1;
            }

            @Override
            public byte[] encode(Object value) {
                return mapper.writeValueAsBytes(new Holder(value));
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T decode(byte[] bytes, int offset, int length, TypeRef<T> type) {
                Object value = mapper.readValue(bytes, offset, length, Holder.class).value();
                Class<?> wanted = mapper.getTypeFactory().constructType(type.type()).getRawClass();
                if (!wanted.isInstance(value)) {
                    throw new IllegalArgumentException("stored value is a " + value.getClass().getName() + ", not " + type);
                }
                return (T) value;
            }
        };
    }

    /** What is stored: its field is declared {@code Object}, so the JSON names the class of the value in it. */
    record Holder(Object value) {}

    /**
     * Reads a class that has no no-argument constructor through a constructor whose every parameter has a type
     * that exactly one field has (an immutable identifier built from its name), naming each parameter after that
     * field. A class with neither cannot be read back, and its value is a miss.
     */
    private static final class FieldNamedParameters extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonCreator.Mode findCreatorAnnotation(MapperConfig<?> config, Annotated annotated) {
            JsonCreator.Mode declared = super.findCreatorAnnotation(config, annotated);
            if (declared != null || !(annotated instanceof AnnotatedConstructor constructor) || constructor.getParameterCount() == 0) {
                return declared;
            }
            Class<?> owner = constructor.getDeclaringClass();
            for (Constructor<?> other : owner.getDeclaredConstructors()) {
                if (other.getParameterCount() == 0) {
                    return null;
                }
            }
            for (int i = 0; i < constructor.getParameterCount(); i++) {
                if (fieldOfType(owner, constructor.getRawParameterType(i)) == null) {
                    return null;
                }
            }
            return JsonCreator.Mode.PROPERTIES;
        }

        @Override
        public String findImplicitPropertyName(MapperConfig<?> config, AnnotatedMember member) {
            if (member instanceof AnnotatedParameter parameter && parameter.getOwner() instanceof AnnotatedConstructor constructor) {
                return fieldOfType(constructor.getDeclaringClass(), parameter.getRawType());
            }
            return super.findImplicitPropertyName(config, member);
        }

        /** The name of the one instance field of {@code owner} whose type is {@code type}, or null. */
        private static String fieldOfType(Class<?> owner, Class<?> type) {
            String named = null;
            for (Field field : owner.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (Modifier.isStatic(modifiers) || Modifier.isTransient(modifiers) || field.getType() != type) {
                    continue;
                }
                if (named != null) {
                    return null;
                }
                named = field.getName();
            }
            return named;
        }
    }

    /**
     * Rebuilds a {@link Serializable} class that has no constructor Jackson can call the way Java serialization
     * does: the no-argument constructor of its first superclass that is not serializable runs, and the fields
     * are then set from the JSON. A serializable class declares that its fields are all its state, which is
     * what makes this sound; the allow-list still decides which classes may be built at all.
     */
    private static final class SerializableFields implements ValueInstantiators {
        @Override
        public ValueInstantiator findValueInstantiator(DeserializationConfig config, BeanDescription.Supplier description) {
            return null;
        }

        @Override
        public ValueInstantiator modifyValueInstantiator(DeserializationConfig config, BeanDescription.Supplier description,
                ValueInstantiator found) {
            Class<?> type = description.getBeanClass();
            if (found == null || found.canCreateUsingDefault() || found.canCreateFromObjectWith() || found.canCreateUsingDelegate()
                    || !Serializable.class.isAssignableFrom(type) || Modifier.isAbstract(type.getModifiers()) || type.isRecord()) {
                return found;
            }
            Constructor<?> constructor = sun.reflect.ReflectionFactory.getReflectionFactory().newConstructorForSerialization(type);
            if (constructor == null) {
                return found;
            }
            return new ValueInstantiator.Base(type) {
                @Override
                public boolean canCreateUsingDefault() {
                    return true;
                }

                @Override
                public Object createUsingDefault(DeserializationContext context) {
                    try {
                        return constructor.newInstance();
                    } catch (InstantiationException | IllegalAccessException | InvocationTargetException e) {
                        return context.handleInstantiationProblem(type, null, e);
                    }
                }
            };
        }
    }
}
