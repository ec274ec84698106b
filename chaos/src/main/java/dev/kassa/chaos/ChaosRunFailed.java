package dev.kassa.chaos;

/** A chaos run that could not be carried out (not a fault it found): its message says what to look at. */
public final class ChaosRunFailed extends RuntimeException {

    ChaosRunFailed(String message) {
        super(message);
    }
}
