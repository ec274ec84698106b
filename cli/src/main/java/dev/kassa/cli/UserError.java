package dev.kassa.cli;

/** A mistake the user can fix; its message is one sentence that says what to change. */
final class UserError extends RuntimeException {

    UserError(String message) {
        super(message);
    }
}
