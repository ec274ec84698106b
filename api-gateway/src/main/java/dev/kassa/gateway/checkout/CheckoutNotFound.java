package dev.kassa.gateway.checkout;

/**
 * An unknown or unoffered checkout: thrown, never returned as a raw 404, so that the 404 page is made once by the
 * global handler ({@code FrameworkErrors}). A 404 response returned by a controller is routed again through the global
 * NOT_FOUND error route, and Micronaut 4.10 can then loop forever in its execution flow, allocating until the heap is
 * gone (seen here with the JDK client's HTTP/2 upgrade on a form post; kestra-io/kestra#17620 is the same race).
 */
public final class CheckoutNotFound extends RuntimeException {
    public CheckoutNotFound() {
        super("checkout not found", null, false, false);
    }
}
