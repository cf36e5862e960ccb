namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>Which Chromium to launch. <see cref="ExecutablePath"/> null means "Playwright's own installed browser".</summary>
public sealed record BrowserChoice(string? ExecutablePath, string Description);

/// <summary>
/// Finds a Chromium: $REVIEWPORTAL_CHROMIUM (must exist), else a system Chromium (/usr/bin/chromium,
/// chromium/chromium-browser/google-chrome on PATH), else a browser installed by Playwright itself.
/// </summary>
public static class BrowserLocator
{
    public const string EnvironmentVariable = "REVIEWPORTAL_CHROMIUM";

    public const string InstallHint =
        "Install one with `apt-get install -y chromium` (Debian/Ubuntu; then it is /usr/bin/chromium), " +
        "or let Playwright download its own with `pwsh tests/ReviewPortal.E2ETests/bin/Debug/net10.0/playwright.ps1 install chromium`, " +
        $"or point {EnvironmentVariable} at a Chromium/Chrome executable.";

    private static readonly string[] CommandNames = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    /// <summary>Why no Chromium can be used (what <see cref="Locate"/> would throw), or null when one can.</summary>
    public static string? WhyNotFound()
    {
        try
        {
            Locate();
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }
    }

    public static BrowserChoice Locate()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            return File.Exists(fromEnv)
                ? new BrowserChoice(fromEnv, $"{fromEnv} (from {EnvironmentVariable})")
                : throw new InvalidOperationException($"{EnvironmentVariable} is set to '{fromEnv}', but no such file exists. {InstallHint}");
        }

        if (File.Exists("/usr/bin/chromium"))
        {
            return new BrowserChoice("/usr/bin/chromium", "/usr/bin/chromium");
        }

        var pathDirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (var name in CommandNames)
        {
            foreach (var dir in pathDirs)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return new BrowserChoice(candidate, $"{candidate} (on PATH)");
                }
            }
        }

        if (PlaywrightChromiumInstalled(out var where))
        {
            return new BrowserChoice(null, $"Playwright's own Chromium under {where}");
        }

        throw new InvalidOperationException(
            $"No Chromium found for the browser tests (looked at ${EnvironmentVariable}, /usr/bin/chromium, " +
            $"{string.Join("/", CommandNames)} on PATH, and Playwright's browser cache). {InstallHint}");
    }

    private static bool PlaywrightChromiumInstalled(out string where)
    {
        var root = Environment.GetEnvironmentVariable("PLAYWRIGHT_BROWSERS_PATH");
        if (string.IsNullOrWhiteSpace(root) || root == "0")
        {
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            root = OperatingSystem.IsWindows()
                ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ms-playwright")
                : OperatingSystem.IsMacOS()
                    ? Path.Combine(home, "Library", "Caches", "ms-playwright")
                    : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(home, ".cache"), "ms-playwright");
        }

        where = root;
        return Directory.Exists(root)
            && Directory.EnumerateDirectories(root, "chromium*").Any(d => Directory.EnumerateFileSystemEntries(d).Any());
    }
}
