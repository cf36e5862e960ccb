namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Whether the browser tests can run here. On a developer's machine without a Chromium they are reported as skipped,
/// each with one line naming the install command, so `dotnet test` with only the .NET SDK passes what it can run; in CI
/// (`CI=true`, where `.ci/run` installs Chromium) a missing browser is never a quiet skip: the tests run and fail, saying
/// what is missing (<see cref="BrowserFixture"/>).
/// </summary>
public static class BrowserAvailability
{
    /// <summary>Why the browser tests are skipped here, or null when they run.</summary>
    public static string? SkipReason() =>
        SkipReason(BrowserLocator.WhyNotFound, string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase));

    /// <param name="whyNotFound">Why no Chromium can be used (naming the install command), or null when one can.</param>
    /// <param name="inCi">Whether this is a CI run.</param>
    public static string? SkipReason(Func<string?> whyNotFound, bool inCi) =>
        inCi ? null : whyNotFound() is { } why ? $"Browser test skipped: {why}" : null;
}

/// <summary>A browser test: skipped, naming the install command, where no Chromium can be found outside CI.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = BrowserAvailability.SkipReason();
}

/// <summary>The theory counterpart of <see cref="BrowserFactAttribute"/>.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute() => Skip = BrowserAvailability.SkipReason();
}

/// <summary>A browser test that also needs the PostgreSQL server (<see cref="ReviewPortal.Tests.Infrastructure.PostgresFactAttribute"/>).</summary>
public sealed class BrowserPostgresFactAttribute : FactAttribute
{
    public BrowserPostgresFactAttribute() => Skip = new ReviewPortal.Tests.Infrastructure.PostgresFactAttribute().Skip ?? BrowserAvailability.SkipReason();
}
