package dev.cachet.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachet.ScriptedStore;
import dev.cachet.resilience.GuardedStore;
import dev.cachet.tiered.TieredStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A decorator that left one of {@link Store}'s defaults in place would run the generic version over the
 * decorator instead of passing the call to the store it wraps, which may do it in one round trip (or, for a
 * store that cannot list keys, do it at all). So each decorator declares every method of the SPI.
 */
class DecoratorsTest {
    private static List<String> undeclared(Class<?> decorator) {
        return Arrays.stream(Store.class.getMethods())
                .filter(method -> !Modifier.isStatic(method.getModifiers()))
                .filter(method -> {
                    try {
                        Method declared = decorator.getDeclaredMethod(method.getName(), method.getParameterTypes());
                        return declared.isDefault();
                    } catch (NoSuchMethodException e) {
                        return true;
                    }
                })
                .map(Method::getName)
                .toList();
    }

    @Test
    void everyDecoratorForwardsEveryMethod() {
        assertThat(undeclared(GuardedStore.class)).as("GuardedStore").isEmpty();
        assertThat(undeclared(TieredStore.class)).as("TieredStore").isEmpty();
        assertThat(undeclared(ScriptedStore.class)).as("ScriptedStore").isEmpty();
    }
}
