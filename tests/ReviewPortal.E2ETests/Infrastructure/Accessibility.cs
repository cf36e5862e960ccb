using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Sdk;

namespace ReviewPortal.E2ETests.Infrastructure;

public static class Accessibility
{
    private static readonly HashSet<string> Blocking = new(StringComparer.OrdinalIgnoreCase) { "serious", "critical" };

    /// <summary>
    /// Runs axe-core on the current page and fails if any violation is <c>serious</c> or <c>critical</c>.
    /// The failure message lists each such violation's id, impact, help text, and for each offending node its CSS selector,
    /// its HTML and axe's explanation (for contrast: the measured ratio and colours).
    /// </summary>
    public static async Task AssertNoSeriousViolationsAsync(IPage page, AxeRunOptions? options = null)
    {
        var result = await page.RunAxe(options);
        var blocking = result.Violations.Where(v => v.Impact is not null && Blocking.Contains(v.Impact)).ToList();
        if (blocking.Count == 0)
        {
            return;
        }

        throw new XunitException(Describe(page.Url, blocking));
    }

    /// <summary>
    /// Waits until every finite CSS animation/transition on the page has finished. A snackbar fading in is measured by
    /// axe mid-fade (e.g. 1.3:1 for the success snackbar's final 9:1), so call this before an axe run that follows one.
    /// Infinite animations (indeterminate progress bars) are ignored.
    /// </summary>
    public static async Task WaitForAnimationsAsync(IPage page) =>
        await page.EvaluateAsync("""
            () => Promise.all(document.getAnimations()
                .filter(a => a.effect?.getComputedTiming().iterations !== Infinity)
                .map(a => a.finished.catch(() => null)))
            """);

    internal static string Describe(string url, IReadOnlyCollection<AxeResultItem> violations)
    {
        var text = new StringBuilder();
        text.AppendLine($"{violations.Count} serious/critical accessibility violation(s) on {url}:");
        foreach (var v in violations)
        {
            text.AppendLine($"- {v.Id} [{v.Impact}]: {v.Help} ({v.HelpUrl})");
            foreach (var node in v.Nodes ?? [])
            {
                text.AppendLine($"    at {node.Target}: {node.Html}");
                // axe's reason for the node, e.g. the measured contrast ratio and colours.
                foreach (var check in (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []))
                {
                    if (!string.IsNullOrWhiteSpace(check.Message))
                    {
                        text.AppendLine($"      {check.Message}");
                    }
                }
            }
        }

        return text.ToString();
    }
}
