package dev.kassa.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.LoggerFactory;

/**
 * One service instance's own place on this machine: a state directory {@code <root>/<application id>-<n>} held by an
 * OS file lock for the life of the process, and a log file of the same name. The first free {@code n} is taken, so
 * the first instance is always {@code -0}: a restart after {@code kill -9} (the OS released the lock) finds its own
 * stores and its own static group membership again, and a second instance started beside it gets {@code -1} instead
 * of stepping on the first one's stores.
 */
final class InstanceSlot implements AutoCloseable {

    /** More instances of one application than this on one machine is a mistake, not a deployment. */
    static final int MAX_SLOTS = 32;

    private final String name;
    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;

    private InstanceSlot(String name, Path dir, FileChannel channel, FileLock lock) {
        this.name = name;
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Claims the first free slot of {@code applicationId} under {@code root}; a {@link UserError} if all are taken. */
    static InstanceSlot claim(Path root, String applicationId) throws IOException {
        for (int n = 0; n < MAX_SLOTS; n++) {
            String name = applicationId + "-" + n;
            InstanceSlot slot = tryLock(root.resolve(name), name);
            if (slot != null) {
                return slot;
            }
        }
        throw new UserError("all " + MAX_SLOTS + " state directories of " + applicationId + " under " + root.toAbsolutePath()
                + " are in use by running instances; pass --state-dir.");
    }

    /** Holds {@code dir} (given with --state-dir) so that a second instance on it is refused instead of corrupting it. */
    static InstanceSlot hold(Path dir, String applicationId) throws IOException {
        InstanceSlot slot = tryLock(dir, applicationId + "-" + dir.toAbsolutePath().normalize().getFileName());
        if (slot == null) {
            throw new UserError("the state directory " + dir.toAbsolutePath() + " is in use by another running instance; "
                    + "give each instance its own --state-dir (or leave it out: each then gets one of its own).");
        }
        return slot;
    }

    private static InstanceSlot tryLock(Path dir, String name) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".kassa-instance.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return new InstanceSlot(name, dir, channel, lock);
            }
        } catch (OverlappingFileLockException e) {
            // held by this very JVM (kassa dev, or a test running two instances): taken
        }
        channel.close();
        return null;
    }

    /** The state directory. */
    Path dir() {
        return dir;
    }

    /** {@code <application id>-<n>}: the instance's name, its log file's name. */
    String name() {
        return name;
    }

    /**
     * Sends this process's log to {@code <log dir>/<name>.log} (logback.xml reads {@code kassa.log.name}): every
     * instance started from one checkout writes its own file. Called before the service starts, so nothing of it is
     * logged elsewhere.
     */
    void useOwnLogFile() {
        useLogFile(name);
    }

    static void useLogFile(String name) {
        System.setProperty("kassa.log.name", name);
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            try {
                new ContextInitializer(context).autoConfig();
            } catch (Exception e) {
                System.err.println("kassa: logging could not be set up again (" + e.getMessage() + "); logs go to the console");
            }
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
