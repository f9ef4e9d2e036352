// Forgot-password page. Password reset by email (spec A3) is not built yet; until then the page
// tells the contact how to get help instead of leaving a dead link on the sign-in form.
import { h } from "../dom.js";
import { SIGN_IN } from "../paths.js";

export async function render(root) {
  root.append(
    h(
      "section",
      { class: "card auth-card", "aria-labelledby": "forgot-title" },
      h("h1", { id: "forgot-title", class: "auth-card__title" }, "Reset your password"),
      h("p", null, "Resetting your password by email is coming soon."),
      h("p", null, "Until then, please contact the agency and they will help you get back in."),
      h("p", { class: "auth-card__footer" }, h("a", { href: SIGN_IN }, "Back to sign in")),
    ),
  );
}
