package dev.kassa.gateway.accounts;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where bcrypt runs: its own few threads and short queues, never the pool the API and the checkout pages share. A check
 * costs about a quarter of a second of one core. Two lanes: the crowd's (half the cores, at least one thread: sign-in
 * tries from browsers Kassa does not know) and the known's (one thread: a browser holding a device cookie of the
 * e-mail it signs in as, or a signed-in user confirming an action). Sign-in tries from any number of addresses can
 * therefore take at most half the machine, a try that finds its lane full is refused at once ({@link Busy}: "try
 * again in a few seconds") instead of waiting in an unbounded line, and a guessing crowd cannot fill the lane the
 * user's own browser signs in through.
 */
@Singleton
public final class PasswordChecks {

    /** Thrown when the bcrypt threads and their queue are full. */
    public static final class Busy extends Exception {
        Busy() {
            super("password checks are busy", null, false, false);
        }
    }

    private final ThreadPoolExecutor crowd;
    private final ThreadPoolExecutor known;

    PasswordChecks() {
        this(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    PasswordChecks(int threads) {
        crowd = lane("kassa-bcrypt-", threads);
        known = lane("kassa-bcrypt-known-", 1);
    }

    /** {@code threads} threads and a queue of four checks each (about a second of waiting). */
    private static ThreadPoolExecutor lane(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(threads * 4), runnable -> {
            Thread thread = new Thread(runnable, name + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Whether {@code password} matches the bcrypt {@code hash} (null: no password set; checked against a decoy in the same
     * time); {@code known}: the caller is a browser Kassa knows (see the class comment), checked in its own lane.
     */
    public boolean matches(String hash, String password, boolean known) throws Busy {
        return run(known ? this.known : crowd, () -> Passwords.matches(hash, password));
    }

    /** A new bcrypt hash of {@code password} (someone holding a valid set-password link: the known lane). */
    String hash(String password) throws Busy {
        return run(known, () -> Passwords.hash(password.toCharArray()));
    }

    /** How many checks of the crowd's lane wait in its queue now (for tests). */
    int queued() {
        return crowd.getQueue().size();
    }

    /** Runs {@code check} in the crowd's lane (for tests). */
    <T> T run(Callable<T> check) throws Busy {
        return run(crowd, check);
    }

    private static <T> T run(ThreadPoolExecutor pool, Callable<T> check) throws Busy {
        Future<T> result;
        try {
            result = pool.submit(check);
        } catch (RejectedExecutionException e) {
            throw new Busy();
        }
        try {
            // The queue holds at most four checks per thread (about a second of work): 10 s is reached only when the machine
            // is starved, and then the caller is told to come back rather than held.
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
        crowd.shutdownNow();
        known.shutdownNow();
    }
}
