// Review keyboard shortcuts: K keep, R revoke, D reduce, N next, P previous.
// Ignored while typing in a field so justifications can contain those letters.
window.reviewPortal = (() => {
    let target = null;
    const keys = new Set(["k", "r", "d", "n", "p"]);
    document.addEventListener("keydown", e => {
        if (!target || e.ctrlKey || e.metaKey || e.altKey) return;
        const el = e.target;
        if (el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName))) return;
        const key = e.key.toLowerCase();
        if (!keys.has(key)) return;
        e.preventDefault();
        target.invokeMethodAsync("OnShortcut", key);
    });
    return {
        registerShortcuts: ref => { target = ref; },
        unregisterShortcuts: () => { target = null; },
    };
})();

// "Try again" on the reconnect dialog (no inline handlers: the Content-Security-Policy refuses them). A failed attempt
// means the server no longer knows the circuit: reload.
document.addEventListener("click", e => {
    if (e.target instanceof Element && e.target.closest("[data-reconnect]")) {
        Blazor.reconnect().then(ok => { if (!ok) location.reload(); });
    }
});

// Skip links ("Skip to content", "Skip to review items") focus their target in place: a bare "#fragment" resolves against
// <base href="/"> and would navigate home. Capture phase, so Blazor's link interception never sees the click.
document.addEventListener("click", e => {
    const link = e.target instanceof Element ? e.target.closest("a[data-skip-to]") : null;
    if (!link) return;
    const target = document.querySelector(link.dataset.skipTo) ?? document.querySelector(link.dataset.skipFallback ?? "main");
    e.preventDefault();
    e.stopPropagation();
    if (!target) return;
    if (target.tabIndex < 0 && !target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
}, true);
