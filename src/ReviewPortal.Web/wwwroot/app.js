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
