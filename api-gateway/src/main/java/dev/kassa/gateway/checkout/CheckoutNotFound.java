package dev.kassa.gateway.checkout;

/**
 * An unknown or unoffered checkout: thrown, never returned as a raw 404, so that the 404 page is made once by the
 * global handler (a returned 404 went through the global NOT_FOUND route again and Micronaut could loop).
 */
public final class CheckoutNotFound extends RuntimeException {
    public CheckoutNotFound() {
        super("checkout not found", null, false, false);
    }
}
