package io.homeport.store;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Blocking waits on store futures for the contract suites (test threads only, never an event loop). */
public final class StoreFutures {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private StoreFutures() {}

  /** Waits for {@code future} (never on an event loop) and returns its result, or throws its failure. */
  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits for {@code future} and returns its failure; fails the test when it succeeds. */
  public static Throwable failure(Future<?> future) {
    Throwable failure = outcome(future);
    if (failure == null) {
      throw new AssertionError("expected a failure, got " + future.result());
    }
    return failure;
  }

  /** Waits for {@code future}; null when it succeeded, else its failure. */
  public static Throwable outcome(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("no result within " + WAIT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
