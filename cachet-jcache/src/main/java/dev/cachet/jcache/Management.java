package dev.cachet.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * The JMX side of a cache: its {@code CacheConfiguration} and {@code CacheStatistics} MXBeans, registered on
 * the platform MBean server under JCache's standard names,
 * {@code javax.cache:type=CacheConfiguration,CacheManager=<uri>,Cache=<name>}.
 */
final class Management {
    private Management() {
    }

    /** The configuration MXBean of {@code cache}. */
    static CacheMXBean configurationBean(CachetCache<?, ?> cache) {
        return new CacheMXBean() {
            private CompleteConfiguration<?, ?> configuration() {
                return cache.getConfiguration(CompleteConfiguration.class);
            }

            @Override
            public String getKeyType() {
                return configuration().getKeyType().getName();
            }

            @Override
            public String getValueType() {
                return configuration().getValueType().getName();
            }

            @Override
            public boolean isReadThrough() {
                return configuration().isReadThrough();
            }

            @Override
            public boolean isWriteThrough() {
                return configuration().isWriteThrough();
            }

            @Override
            public boolean isStoreByValue() {
                return configuration().isStoreByValue();
            }

            @Override
            public boolean isStatisticsEnabled() {
                return configuration().isStatisticsEnabled();
            }

            @Override
            public boolean isManagementEnabled() {
                return configuration().isManagementEnabled();
            }
        };
    }

    /** Registers {@code bean} as the {@code type} bean of {@code cache}, unless one is there already. */
    static void register(CachetCache<?, ?> cache, String type, Object bean) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            ObjectName name = name(cache, type);
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (InstanceAlreadyExistsException e) {
            // Registered meanwhile by another thread: the bean is there, as wanted.
        } catch (JMException e) {
            throw new CacheException("cannot register the " + type + " MXBean of cache '" + cache.getName() + "'", e);
        }
    }

    /** Unregisters the {@code type} bean of {@code cache}, if there is one. */
    static void unregister(CachetCache<?, ?> cache, String type) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            server.unregisterMBean(name(cache, type));
        } catch (InstanceNotFoundException e) {
            // Never registered, or already gone: nothing to do.
        } catch (JMException e) {
            throw new CacheException("cannot unregister the " + type + " MXBean of cache '" + cache.getName() + "'", e);
        }
    }

    private static ObjectName name(CachetCache<?, ?> cache, String type) throws MalformedObjectNameException {
        return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + safe(cache.getCacheManager().getURI().toString())
                + ",Cache=" + safe(cache.getName()));
    }

    /** An object-name value: the characters that would end or split it become dots. */
    private static String safe(String value) {
        return value.replaceAll("[,:=\n]", ".");
    }
}
