using Microsoft.Playwright;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>Keyboard-only navigation: Tab until the focused element matches, and read what has focus.</summary>
public static class Keyboard
{
    /// <summary>
    /// Presses Tab (or Shift+Tab) until <paramref name="isTarget"/> (a JS predicate over <c>document.activeElement</c>,
    /// e.g. <c>el => el.tagName === 'TEXTAREA'</c>) holds; returns how many presses it took. Fails after <paramref name="max"/>.
    /// </summary>
    public static async Task<int> TabUntilAsync(IPage page, string isTarget, int max, bool backwards = false)
    {
        for (var presses = 1; presses <= max; presses++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            if (await page.EvaluateAsync<bool>($"() => {{ const el = document.activeElement; return !!el && ({isTarget})(el); }}"))
            {
                return presses;
            }
        }
        throw new Xunit.Sdk.XunitException(
            $"{max} {(backwards ? "Shift+Tab" : "Tab")} presses did not reach the element ({isTarget}); focus is on {await DescribeFocusAsync(page)}.");
    }

    /// <summary>The focused element as a short description (tag, test id, accessible label, text), for failure messages.</summary>
    public static Task<string> DescribeFocusAsync(IPage page) => page.EvaluateAsync<string>("""
        () => {
          const el = document.activeElement;
          if (!el) return '(nothing)';
          const id = el.getAttribute('data-testid') ?? el.closest('[data-testid]')?.getAttribute('data-testid') ?? '';
          return `<${el.tagName.toLowerCase()}> testid=${id} label=${el.getAttribute('aria-label') ?? ''} text=${(el.textContent ?? '').trim().slice(0, 40)}`;
        }
        """);
}
