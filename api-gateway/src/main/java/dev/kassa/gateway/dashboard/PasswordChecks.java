package dev.kassa.gateway.dashboard;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where bcrypt runs: its own few threads (half the cores, at least one) and a short queue, never the pool the API and
 * the checkout pages share. A check costs about a quarter of a second of one core; sign-in tries from any number of
 * addresses can therefore take at most that share of the machine, and a try that finds the queue full is refused at
 * once ({@link Busy}: "try again in a few seconds") instead of waiting in an unbounded line.
 */
@Singleton
final class PasswordChecks {

    /** Thrown when the bcrypt threads and their queue are full. */
    static final class Busy extends Exception {
        Busy() {
            super("password checks are busy", null, false, false);
        }
    }

    private final ThreadPoolExecutor pool;

    PasswordChecks() {
        this(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    PasswordChecks(int threads) {
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 8), runnable -> {
            Thread thread = new Thread(runnable, "kassa-bcrypt-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Whether {@code password} matches the bcrypt {@code hash} (null: no password set; checked against a decoy in the same time). */
    boolean matches(String hash, String password) throws Busy {
        return run(() -> Passwords.matches(hash, password));
    }

    /** A new bcrypt hash of {@code password}. */
    String hash(String password) throws Busy {
        return run(() -> Passwords.hash(password.toCharArray()));
    }

    /** How many checks wait in the queue now (for tests and metrics). */
    int queued() {
        return pool.getQueue().size();
    }

    <T> T run(java.util.concurrent.Callable<T> check) throws Busy {
        Future<T> result;
        try {
            result = pool.submit(check);
        } catch (RejectedExecutionException e) {
            throw new Busy();
        }
        try {
            // The queue holds at most eight checks per thread (about two seconds of work): 10 s is never reached unless the
            // machine is starved, and then the caller is told to come back rather than held.
            return result.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new Busy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        } catch (ExecutionException e) {
            throw new IllegalStateException("bcrypt failed", e.getCause());
        }
    }

    @PreDestroy
    void close() {
        pool.shutdownNow();
    }
}
