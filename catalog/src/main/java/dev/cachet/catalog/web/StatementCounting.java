package dev.cachet.catalog.web;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the SQL statements each page request runs, for its footer: every statement Hibernate or the
 * {@code JdbcClient} executes goes through a connection of the data source, which this wraps. A connection taken
 * outside a page request (the API, the background work) is handed out as it is, at no cost.
 */
final class StatementCounting implements BeanPostProcessor {
    @Override
    public Object postProcessAfterInitialization(Object bean, String name) {
        return bean instanceof DataSource dataSource && !(bean instanceof Counting) ? new Counting(dataSource) : bean;
    }

    private static final class Counting extends DelegatingDataSource {
        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return counted(super.getConnection());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return counted(super.getConnection(username, password));
        }

        private static Connection counted(Connection connection) {
            Served served = Served.current();
            return served == null ? connection : proxy(connection, Connection.class, served);
        }
    }

    /** {@code target} seen through {@code type}, counting each execution of a statement it makes for {@code served}. */
    private static <T> T proxy(T target, Class<T> type, Served served) {
        boolean statement = Statement.class.isAssignableFrom(type);
        return type.cast(Proxy.newProxyInstance(StatementCounting.class.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
                case "equals" -> {
                    return self == args[0];
                }
                case "hashCode" -> {
                    return System.identityHashCode(self);
                }
                default -> {
                    if (statement && method.getName().startsWith("execute")) {
                        served.statement();
                    }
                }
            }
            Object result;
            try {
                result = method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (!statement && result instanceof Statement made && Statement.class.isAssignableFrom(method.getReturnType())) {
                return proxy(made, statementType(method.getReturnType()), served);
            }
            return result;
        }));
    }

    @SuppressWarnings("unchecked")
    private static Class<Statement> statementType(Class<?> type) {
        return (Class<Statement>) type;
    }
}
