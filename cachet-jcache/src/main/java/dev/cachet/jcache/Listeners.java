package dev.cachet.jcache;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.cache.Cache;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/**
 * The entry listeners of one cache, and the events they are told. Events are delivered in the thread that made
 * the change, after it is stored, in the order of the changes; an exception from a synchronous listener
 * reaches the caller as {@link CacheEntryListenerException}, one from an asynchronous listener is logged.
 */
final class Listeners<K, V> {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private final Cache<K, V> source;
    private final CopyOnWriteArrayList<Registration<K, V>> registrations = new CopyOnWriteArrayList<>();

    Listeners(Cache<K, V> source) {
        this.source = source;
    }

    /** Starts telling the listener that {@code configuration} makes. */
    void register(CacheEntryListenerConfiguration<K, V> configuration) {
        Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory = configuration.getCacheEntryEventFilterFactory();
        registrations.add(new Registration<>(configuration, configuration.getCacheEntryListenerFactory().create(),
                filterFactory == null ? null : filterFactory.create()));
    }

    /** Stops telling the listener of {@code configuration}; closes it. */
    void deregister(CacheEntryListenerConfiguration<K, V> configuration) {
        for (Registration<K, V> registration : registrations) {
            if (registration.configuration.equals(configuration)) {
                registrations.remove(registration);
                registration.close();
            }
        }
    }

    /** Whether any listener is registered. */
    boolean isEmpty() {
        return registrations.isEmpty();
    }

    void created(K key, V value) {
        fire(new Event<>(source, EventType.CREATED, key, value, null));
    }

    void updated(K key, V value, V oldValue) {
        fire(new Event<>(source, EventType.UPDATED, key, value, oldValue));
    }

    void removed(K key, V oldValue) {
        fire(new Event<>(source, EventType.REMOVED, key, oldValue, oldValue));
    }

    void expired(K key, V oldValue) {
        fire(new Event<>(source, EventType.EXPIRED, key, oldValue, oldValue));
    }

    private void fire(Event<K, V> event) {
        for (Registration<K, V> registration : registrations) {
            registration.deliver(event);
        }
    }

    /** Closes every listener and filter that is {@link Closeable}. */
    void close() {
        registrations.forEach(Registration::close);
        registrations.clear();
    }

    private record Registration<K, V>(
            CacheEntryListenerConfiguration<K, V> configuration,
            CacheEntryListener<? super K, ? super V> listener,
            CacheEntryEventFilter<? super K, ? super V> filter) {

        @SuppressWarnings("unchecked")
        void deliver(Event<K, V> event) {
            boolean interested = switch (event.getEventType()) {
                case CREATED -> listener instanceof CacheEntryCreatedListener;
                case UPDATED -> listener instanceof CacheEntryUpdatedListener;
                case REMOVED -> listener instanceof CacheEntryRemovedListener;
                case EXPIRED -> listener instanceof CacheEntryExpiredListener;
            };
            if (!interested) {
                return;
            }
            // The old value goes to every listener: JCache lets one that did not ask for it have it all the same.
            try {
                if (filter != null && !filter.evaluate(event)) {
                    return;
                }
                List<CacheEntryEvent<? extends K, ? extends V>> events = List.of(event);
                switch (event.getEventType()) {
                    case CREATED -> ((CacheEntryCreatedListener<K, V>) listener).onCreated(events);
                    case UPDATED -> ((CacheEntryUpdatedListener<K, V>) listener).onUpdated(events);
                    case REMOVED -> ((CacheEntryRemovedListener<K, V>) listener).onRemoved(events);
                    case EXPIRED -> ((CacheEntryExpiredListener<K, V>) listener).onExpired(events);
                }
            } catch (RuntimeException e) {
                if (configuration.isSynchronous()) {
                    throw e instanceof CacheEntryListenerException listenerError ? listenerError : new CacheEntryListenerException(e);
                }
                LOG.log(System.Logger.Level.WARNING, "an asynchronous cache entry listener failed on " + event.getEventType(), e);
            }
        }

        void close() {
            closeQuietly(listener);
            closeQuietly(filter);
        }
    }

    static void closeQuietly(Object resource) {
        if (resource instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + resource.getClass().getName() + " failed", e);
            }
        }
    }

    /** One change of one entry. */
    private static final class Event<K, V> extends CacheEntryEvent<K, V> {
        private static final long serialVersionUID = 1L;
        private final K key;
        private final V value;
        private final V oldValue;

        Event(Cache<K, V> source, EventType type, K key, V value, V oldValue) {
            super(source, type);
            this.key = key;
            this.value = value;
            this.oldValue = oldValue;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        @Override
        public V getOldValue() {
            return oldValue;
        }

        @Override
        public boolean isOldValueAvailable() {
            return oldValue != null;
        }

        @Override
        public <T> T unwrap(Class<T> type) {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new IllegalArgumentException("a cache entry event cannot be unwrapped to " + type.getName());
        }
    }
}
