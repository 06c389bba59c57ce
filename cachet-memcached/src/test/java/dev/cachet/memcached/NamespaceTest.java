package dev.cachet.memcached;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespaceTest {
    @Test
    void aKeyIsInTheNamespaceOfItsTextUpToItsFirstColon() {
        assertThat(MetaStore.namespaceOf("catalog:1:product:42")).isEqualTo("catalog:");
        assertThat(MetaStore.namespaceOf("catalog:")).isEqualTo("catalog:");
        assertThat(MetaStore.namespaceOf("shop:products:1:k")).as("a prefix with ':' shares its first segment").isEqualTo("shop:");
    }

    @Test
    void aLeaseKeyIsInTheNamespaceOfItsKey() {
        assertThat(MetaStore.namespaceOf("cachet-lease:catalog:1:product:42")).isEqualTo("catalog:");
    }

    @Test
    void tagVersionsAndKeysWithoutAColonBelongToNoNamespace() {
        assertThat(MetaStore.namespaceOf("cachet-tag:product:42")).isNull();
        assertThat(MetaStore.namespaceOf("plain")).isNull();
        assertThat(MetaStore.namespaceOf("cachet-lease:plain")).isNull();
    }
}
