package dev.cachet;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;
import tools.jackson.databind.type.TypeFactory;
import tools.jackson.databind.type.TypeModifier;
import tools.jackson.databind.util.LookupCache;
import tools.jackson.databind.util.SimpleLookupCache;

/** The JSON codec: Jackson with an allow-list for polymorphic types. */
final class JsonCodec implements Codec {
    static final int FORMAT = 1;
    static final JsonCodec DEFAULT = new JsonCodec(mapperAllowing(List.of()));

    private final JsonMapper mapper;

    JsonCodec(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    static JsonMapper mapperAllowing(List<String> allowedPrefixes) {
        AllowList allowed = allowList(allowedPrefixes);
        return JsonMapper.builder().polymorphicTypeValidator(allowed).typeFactory(new AllowedTypes(allowed)).build();
    }

    /** A mapper that writes the class of every non-final value and record, and reads back only allowed ones. */
    static JsonMapper typedMapperAllowing(List<String> allowedPrefixes) {
        AllowList allowed = allowList(allowedPrefixes);
        return JsonMapper.builder()
                .activateDefaultTyping(allowed, DefaultTyping.NON_FINAL_AND_RECORDS, JsonTypeInfo.As.PROPERTY)
                .typeFactory(new AllowedTypes(allowed))
                .build();
    }

    static AllowList allowList(List<String> allowedPrefixes) {
        List<String> prefixes = List.copyOf(allowedPrefixes);
        for (String prefix : prefixes) {
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("an allowed polymorphic type prefix must not be blank");
            }
        }
        return new AllowList(prefixes);
    }

    /** The type factory that resolves class names for a mapper reading with {@code validator}: see {@link AllowedTypes}. */
    static TypeFactory typesAllowedBy(PolymorphicTypeValidator validator) {
        if (!(validator instanceof AllowList allowed)) {
            throw new IllegalArgumentException("not an allow-list of Codec.allowing: " + validator);
        }
        return new AllowedTypes(allowed);
    }

    /**
     * Resolves class names, for a mapper whose validator is an {@link AllowList}, only when the list admits
     * them. Jackson shows the validator only the raw class of a type id with generic parameters
     * ({@code java.util.ArrayList} of {@code java.util.ArrayList<com.evil.Gadget>}) and then loads, and
     * initializes, every class the id names before it asks again: here each of those names is refused
     * before any class is loaded.
     */
    private static final class AllowedTypes extends TypeFactory {
        private static final long serialVersionUID = 1L;
        private final AllowList allowed;

        AllowedTypes(AllowList allowed) {
            this(allowed, new SimpleLookupCache<>(16, DEFAULT_MAX_CACHE_SIZE), null, null);
        }

        private AllowedTypes(AllowList allowed, LookupCache<Object, JavaType> cache, TypeModifier[] modifiers, ClassLoader loader) {
            super(cache, modifiers, loader);
            this.allowed = allowed;
        }

        @Override
        public Class<?> findClass(String className) throws ClassNotFoundException {
            // A name without a package is a primitive, which Jackson resolves without loading anything.
            if (className.indexOf('.') >= 0 && !allowed.admits(className)) {
                throw new ClassNotFoundException(className + " is not on the allow-list of classes stored data may name");
            }
            return super.findClass(className);
        }

        // Each copy Jackson makes of its type factory stays one that checks.

        @Override
        public TypeFactory snapshot() {
            return new AllowedTypes(allowed, _typeCache.snapshot(), _modifiers, _classLoader);
        }

        @Override
        public TypeFactory withClassLoader(ClassLoader loader) {
            return new AllowedTypes(allowed, _typeCache, _modifiers, loader);
        }

        @Override
        public TypeFactory withCache(LookupCache<Object, JavaType> cache) {
            return new AllowedTypes(allowed, cache, _modifiers, _classLoader);
        }

        @Override
        public TypeFactory withModifier(TypeModifier modifier) {
            if (modifier == null) {
                return new AllowedTypes(allowed, _typeCache, null, _classLoader);
            }
            TypeModifier[] modifiers;
            if (_modifiers == null) {
                modifiers = new TypeModifier[] {modifier};
            } else {
                modifiers = Arrays.copyOf(_modifiers, _modifiers.length + 1);
                modifiers[_modifiers.length] = modifier;
            }
            // Types already resolved were resolved without the new modifier.
            return new AllowedTypes(allowed, _typeCache.emptyCopy(), modifiers, _classLoader);
        }
    }

    @Override
    public int format() {
        return FORMAT;
    }

    @Override
    public byte[] encode(Object value) {
        return mapper.writeValueAsBytes(value);
    }

    @Override
    public <T> T decode(byte[] bytes, int offset, int length, TypeRef<T> type) {
        JavaType javaType = mapper.getTypeFactory().constructType(type.type());
        return mapper.readValue(bytes, offset, length, javaType);
    }

    /**
     * Decides on the class names alone, before Jackson loads any class: a class named by foreign data is never
     * loaded, let alone initialized, unless it is on the list. An entry that ends with '.' or '$' admits the
     * classes whose names start with it (a package, a class's nested classes); any other entry admits that one
     * class, so {@code java.util.ArrayList} does not admit {@code java.util.ArrayListX}. A type id that names
     * several classes ({@code java.util.ArrayList<com.acme.Item>}) is allowed only when every one is. An array
     * is allowed when its component is: a primitive, a class on the list, or one of the few that say nothing
     * of what the elements are ({@code Object}, {@code Serializable}, {@code Number}, and the types JSON has),
     * since each element names its own class and is checked in turn.
     */
    private static final class AllowList extends PolymorphicTypeValidator.Base {
        private static final long serialVersionUID = 1L;
        private static final Set<String> ELEMENT_TYPES = Set.of("java.lang.Object", "java.io.Serializable", "java.lang.Number",
                "java.lang.String", "java.lang.Integer", "java.lang.Boolean", "java.lang.Double");
        /** What separates the class names of a type id with generic parameters. */
        private static final Pattern BETWEEN_NAMES = Pattern.compile("[<>,\\s]+");
        private final List<String> entries;

        AllowList(List<String> entries) {
            this.entries = entries;
        }

        @Override
        public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
            boolean named = false;
            for (String name : BETWEEN_NAMES.split(subClassName)) {
                if (name.isEmpty()) {
                    continue;
                }
                if (!allowed(name)) {
                    return Validity.DENIED;
                }
                named = true;
            }
            return named ? Validity.ALLOWED : Validity.DENIED;
        }

        /** Whether the list admits a class name, or an array of it; also the element types an array may name. */
        boolean admits(String className) {
            return ELEMENT_TYPES.contains(className) || allowed(className);
        }

        private boolean allowed(String className) {
            String name = className;
            if (name.startsWith("[")) {
                name = name.substring(name.lastIndexOf('[') + 1);
                if (name.length() == 1) {
                    return true;
                }
                if (!name.startsWith("L") || !name.endsWith(";")) {
                    return false;
                }
                name = name.substring(1, name.length() - 1);
                if (ELEMENT_TYPES.contains(name)) {
                    return true;
                }
            }
            for (String entry : entries) {
                boolean prefix = entry.endsWith(".") || entry.endsWith("$");
                if (prefix ? name.startsWith(entry) : name.equals(entry)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
            return validateSubClassName(ctxt, baseType, subType.getRawClass().getName());
        }
    }
}
