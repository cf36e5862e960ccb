using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using ReviewPortal.Tests.Claude;

namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// The portal in Live mode on an empty database, its Claude clients calling <see cref="Api"/> (a scripted fake of the wire
/// contract on a real Kestrel port) over real HTTP, through the real pipeline (retries, timeouts, circuit breaker,
/// request budget) with its production settings unless a test overrides them. Polly runs on the factory's fake clock: a
/// test moves time past a timeout or a break instead of waiting for it, and a wait the code should not make shows up as
/// a call that never returns.
/// </summary>
public sealed class FakeApiPortalFactory : PortalAppFactory
{
    private readonly Dictionary<string, string?> _settings;

    private FakeApiPortalFactory(FakeClaudeApi api, IReadOnlyDictionary<string, string?>? settings) : base(seedDemo: false)
    {
        Api = api;
        _settings = new Dictionary<string, string?>
        {
            ["Claude:Mode"] = "Live",
            ["Claude:BaseUrl"] = api.BaseUrl,
            ["Claude:ComplianceKey"] = FakeClaudeApi.ComplianceKey,
            ["Claude:AdminKey"] = FakeClaudeApi.AdminKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    internal FakeClaudeApi Api { get; }

    /// <summary>Starts the fake API, then the portal pointed at it (built on first use) with <paramref name="settings"/> on top.</summary>
    public static async Task<FakeApiPortalFactory> StartAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        new(await FakeClaudeApi.StartAsync(), settings);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // After the base's Simulated mode, so these win: UseSetting for what Program.cs reads before Build, the in-memory
        // source for the rest.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(_settings));
    }

    public override async ValueTask DisposeAsync()
    {
        // The API first: it releases any request still hanging, so the portal's shutdown does not wait on one.
        await Api.DisposeAsync();
        await base.DisposeAsync();
    }
}
