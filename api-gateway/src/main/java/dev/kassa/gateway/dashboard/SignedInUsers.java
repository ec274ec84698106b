package dev.kassa.gateway.dashboard;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The dashboard's sign-in check, once for every page and form: a handler that takes a {@link DashboardSessions.Principal}
 * argument runs only for a signed-in user of an enabled merchant (the session cookie verified, the user still there);
 * anyone else is sent to the sign-in page ({@link NotSignedIn}, answered 303 by the gateway's error routes). A form's
 * post was checked (and its user found) by {@link SignedInForms} before its handler; the user found there is used.
 */
@Singleton
public final class SignedInUsers implements TypedRequestArgumentBinder<DashboardSessions.Principal> {

    private final DashboardPages pages;

    SignedInUsers(DashboardPages pages) {
        this.pages = pages;
    }

    @Override
    public Argument<DashboardSessions.Principal> argumentType() {
        return Argument.of(DashboardSessions.Principal.class);
    }

    @Override
    public BindingResult<DashboardSessions.Principal> bind(ArgumentConversionContext<DashboardSessions.Principal> context,
                                                          HttpRequest<?> source) {
        DashboardSessions.Principal who = source.getAttribute(SignedInForms.PRINCIPAL, DashboardSessions.Principal.class)
                .or(() -> pages.who(source)).orElseThrow(NotSignedIn::new);
        return () -> Optional.of(who);
    }

    /** Nobody (valid) is signed in: the answer is the sign-in page. */
    public static final class NotSignedIn extends RuntimeException {
        NotSignedIn() {
            super("not signed in", null, false, false);
        }
    }
}
