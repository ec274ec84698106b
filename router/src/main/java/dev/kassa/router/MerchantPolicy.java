package dev.kassa.router;

import java.util.Set;

/**
 * What the merchant's profile says about routing: package ({@code free}, {@code pro}, {@code unlimited}), checkout
 * mode ({@code hosted_checkout}, {@code smart_router}), and allow/block lists of methods or provider slugs (an empty
 * allow list allows everything the block list does not name).
 */
public record MerchantPolicy(String packageName, String checkoutMode, Set<String> allow, Set<String> block) {

    public MerchantPolicy {
        allow = Set.copyOf(allow);
        block = Set.copyOf(block);
    }

    /** Smart routing applies: a paid package and the smart-router checkout mode. */
    public boolean smart() {
        return !"free".equals(packageName) && "smart_router".equals(checkoutMode);
    }

    public boolean permits(Method method, String slug) {
        if (block.contains(method.slug()) || block.contains(slug)) {
            return false;
        }
        return allow.isEmpty() || allow.contains(method.slug()) || allow.contains(slug);
    }

    public boolean permits(Method method) {
        return !block.contains(method.slug()) && (allow.isEmpty() || allow.contains(method.slug()));
    }
}
