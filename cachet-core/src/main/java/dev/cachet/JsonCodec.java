package dev.cachet;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/** The JSON codec: Jackson with an allow-list for polymorphic types. */
final class JsonCodec implements Codec {
    static final int FORMAT = 1;
    static final JsonCodec DEFAULT = new JsonCodec(mapperAllowing(List.of()));

    private final JsonMapper mapper;

    JsonCodec(JsonMapper mapper) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
    }

    static JsonMapper mapperAllowing(List<String> allowedPrefixes) {
        return JsonMapper.builder().polymorphicTypeValidator(allowList(allowedPrefixes)).build();
    }

    /** A mapper that writes the class of every non-final value and record, and reads back only allowed ones. */
    static JsonMapper typedMapperAllowing(List<String> allowedPrefixes) {
        return JsonMapper.builder()
                .activateDefaultTyping(allowList(allowedPrefixes), DefaultTyping.NON_FINAL_AND_RECORDS, JsonTypeInfo.As.PROPERTY)
                .build();
    }

    static PolymorphicTypeValidator allowList(List<String> allowedPrefixes) {
        List<String> prefixes = List.copyOf(allowedPrefixes);
        for (String prefix : prefixes) {
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("an allowed polymorphic type prefix must not be blank");
            }
        }
        return new AllowList(prefixes);
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
     * Decides on the class name alone, before Jackson loads the class: a class named by foreign data is
     * never initialized unless it is on the list. An array is allowed when its component is: a primitive, a
     * class on the list, or one of the few that say nothing of what the elements are ({@code Object},
     * {@code Serializable}, {@code Number}, and the types JSON has), since each element names its own class
     * and is checked in turn.
     */
    private static final class AllowList extends PolymorphicTypeValidator.Base {
        private static final long serialVersionUID = 1L;
        private final List<String> prefixes;

        AllowList(List<String> prefixes) {
            this.prefixes = prefixes;
        }

        private static final Set<String> ELEMENT_TYPES = Set.of("java.lang.Object", "java.io.Serializable", "java.lang.Number",
                "java.lang.String", "java.lang.Integer", "java.lang.Boolean", "java.lang.Double");

        @Override
        public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
            String name = subClassName;
            if (name.startsWith("[")) {
                name = name.substring(name.lastIndexOf('[') + 1);
                if (name.length() == 1) {
                    return Validity.ALLOWED;
                }
                if (!name.startsWith("L") || !name.endsWith(";")) {
                    return Validity.DENIED;
                }
                name = name.substring(1, name.length() - 1);
                if (ELEMENT_TYPES.contains(name)) {
                    return Validity.ALLOWED;
                }
            }
            for (String prefix : prefixes) {
                if (name.startsWith(prefix)) {
                    return Validity.ALLOWED;
                }
            }
            return Validity.DENIED;
        }

        @Override
        public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
            return validateSubClassName(ctxt, baseType, subType.getRawClass().getName());
        }
    }
}
