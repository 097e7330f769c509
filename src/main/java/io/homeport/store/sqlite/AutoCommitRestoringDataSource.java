package io.homeport.store.sqlite;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Hands out connections that return to auto-commit mode when a transaction ends.
 *
 * <p>Works around vertx-jdbc-client 5.0.x (issue vert-x3/vertx-jdbc-client#356, fixed by #358): after
 * {@code COMMIT} or {@code ROLLBACK} it calls {@code setAutoCommit(false)} instead of {@code true}, so
 * the pooled connection stays in manual-commit mode. With sqlite-jdbc, which begins the next
 * transaction right after each commit, every later statement run outside {@code withTransaction} on
 * that connection would sit in a transaction nobody commits: its writes invisible to other connections
 * and lost on the next rollback, its reads pinned to an old snapshot.
 *
 * <p>Here {@code commit()} and {@code rollback()} end the transaction and switch the connection back
 * to auto-commit, and the redundant {@code setAutoCommit(false)} that immediately follows them is
 * ignored. Any other call in between clears that state, so a Vert.x release with the fix (which calls
 * {@code setAutoCommit(true)} there) works unchanged.
 */
final class AutoCommitRestoringDataSource implements DataSource {

  private final DataSource delegate;

  AutoCommitRestoringDataSource(DataSource delegate) {
    this.delegate = delegate;
  }

  @Override
  public Connection getConnection() throws SQLException {
    return wrap(delegate.getConnection());
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return wrap(delegate.getConnection(username, password));
  }

  static Connection wrap(Connection connection) {
    return (Connection) Proxy.newProxyInstance(
        AutoCommitRestoringDataSource.class.getClassLoader(),
        new Class<?>[] {Connection.class},
        new Handler(connection));
  }

  private static final class Handler implements InvocationHandler {
    private final Connection delegate;
    /** A transaction just ended here and auto-commit is back on. */
    private boolean justEnded;

    Handler(Connection delegate) {
      this.delegate = delegate;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      boolean noArgs = args == null || args.length == 0;
      String name = method.getName();
      if (noArgs && name.equals("commit")) {
        justEnded = false;
        commit();
        justEnded = true;
        return null;
      }
      if (noArgs && name.equals("rollback")) {
        justEnded = false;
        rollback();
        justEnded = true;
        return null;
      }
      if (name.equals("setAutoCommit") && args != null && args.length == 1) {
        boolean autoCommit = (Boolean) args[0];
        boolean swallow = justEnded && !autoCommit;
        justEnded = false;
        if (swallow) {
          return null;
        }
        delegate.setAutoCommit(autoCommit);
        return null;
      }
      justEnded = false;
      if (noArgs && name.equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      if (name.equals("equals") && args != null && args.length == 1) {
        return proxy == args[0];
      }
      if (noArgs && name.equals("toString")) {
        return "AutoCommitRestoring[" + delegate + "]";
      }
      try {
        return method.invoke(delegate, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    private void commit() throws SQLException {
      try {
        delegate.commit();
      } catch (SQLException e) {
        // the transaction is still open: discard it rather than let the next statement commit it
        discard(e);
        throw e;
      }
      delegate.setAutoCommit(true);
    }

    private void rollback() throws SQLException {
      try {
        delegate.rollback();
      } catch (SQLException e) {
        discard(e);
        throw e;
      }
      delegate.setAutoCommit(true);
    }

    /** After a failed commit or rollback: make sure no part of the transaction can be committed later. */
    private void discard(SQLException failure) {
      try {
        delegate.rollback();
        delegate.setAutoCommit(true);
      } catch (SQLException again) {
        failure.addSuppressed(again);
        try {
          // closing an SQLite connection rolls back whatever it still holds
          delegate.close();
        } catch (SQLException closing) {
          failure.addSuppressed(closing);
        }
      }
    }
  }

  @Override
  public PrintWriter getLogWriter() throws SQLException {
    return delegate.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) throws SQLException {
    delegate.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) throws SQLException {
    delegate.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() throws SQLException {
    return delegate.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    return delegate.getParentLogger();
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return delegate.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    return iface.isInstance(this) || delegate.isWrapperFor(iface);
  }
}
