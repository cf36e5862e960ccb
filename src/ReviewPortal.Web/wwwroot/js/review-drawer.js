// The review drawer as a modal for keyboard and screen-reader users (what Blazor cannot do alone): focus moves into the
// drawer when an item opens, Tab and Shift+Tab stay inside it, the page behind is inert, Escape closes it, and focus
// goes back to the row's Open button. A module loaded by MyReviewsPage; no inline script, no eval (the CSP forbids both).

const focusable = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), textarea:not([disabled]), ' +
    'select:not([disabled]), [tabindex]:not([tabindex="-1"])';

let drawer = null;   // the element inside the drawer that holds its header and panel
let page = null;     // DotNetObjectReference of MyReviewsPage
let open = false;
let inerted = [];

const visible = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
const tabbable = () => [...drawer.querySelectorAll(focusable)].filter(el => el.tabIndex >= 0 && visible(el));
// MudBlazor renders a select's list, a date picker's calendar and an autocomplete's options in a popover outside the
// drawer: while one is open Escape closes it (not the drawer), and while focus is in one, Tab is its own. (A tooltip
// is a popover too, but holds only text.)
const inPopover = el => el?.closest('.mud-popover') != null;
const popoverOpen = () => [...document.querySelectorAll('.mud-popover-open')]
    .some(p => p.querySelector('[role=listbox], [role=option], button, input, a[href]') !== null);

function onKeyDown(e) {
    if (!open || !drawer || e.defaultPrevented) return;
    if (e.key === 'Escape') {
        if (popoverOpen()) return;
        e.preventDefault();
        page?.invokeMethodAsync('CloseDrawer');
        return;
    }
    if (e.key !== 'Tab' || inPopover(document.activeElement)) return;
    const items = tabbable();
    if (items.length === 0) { e.preventDefault(); return; }
    const [first, last] = [items[0], items[items.length - 1]];
    const active = document.activeElement;
    const inside = active && drawer.contains(active);
    if (e.shiftKey && (!inside || active === first)) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (!inside || active === last)) { e.preventDefault(); first.focus(); }
}

// Everything beside the drawer inside the layout (app bar, navigation, the page's grid and filters) becomes inert, so
// neither Tab nor a screen reader's browse mode reaches it. Popovers, snackbars and dialogs live outside the layout.
function setInert(on) {
    inerted.forEach(el => el.removeAttribute('inert'));
    inerted = [];
    if (!on) return;
    const aside = drawer.closest('aside') ?? drawer;
    for (let node = aside; node && node.parentElement && !node.classList.contains('mud-layout'); node = node.parentElement) {
        for (const sibling of node.parentElement.children) {
            if (sibling === node || sibling.hasAttribute('inert') || [...sibling.classList].some(c => c.includes('overlay'))) continue;
            sibling.setAttribute('inert', '');
            inerted.push(sibling);
        }
    }
}

export function attach(element, dotNet) {
    drawer = element;
    page = dotNet;
    document.addEventListener('keydown', onKeyDown, true);
}

export function detach() {
    setInert(false);
    document.removeEventListener('keydown', onKeyDown, true);
    drawer = page = null;
    open = false;
}

// An item is shown: focus its heading (a screen reader announces whose access it is), the page behind goes inert.
export function opened() {
    if (!drawer) return;
    open = true;
    setInert(true);
    const heading = drawer.querySelector('h2') ?? drawer;
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
}

// Closed: the page is live again and focus returns to the Open button of the item the drawer showed (or, when that
// item has left the list, to the first item, or the list itself).
export function closed(itemId) {
    open = false;
    setInert(false);
    const target = document.querySelector(`[data-testid="open-item"][data-item-id="${Number(itemId)}"]`)
        ?? document.querySelector('[data-testid="open-item"]')
        ?? document.getElementById('review-items');
    target?.focus();
}
