using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Domain;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Infrastructure.Refusals;

namespace ReviewPortal.Tests.Infrastructure;

/// <summary>
/// The portal in Development on its own database (the test assembly's engine: a SQLite file, or a database of its own on
/// PostgreSQL or SQL Server; real migrations, real demo seed), with a fixed clock and no Hangfire server. Tests talk to
/// it through the intent methods below.
/// </summary>
public class PortalAppFactory : WebApplicationFactory<Program>
{
    /// <summary>The fixed "now" of every factory: the demo seed and the handlers see this instant.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly bool _seedDemo;
    private readonly List<IServiceScope> _scopes = [];
    private bool _cleanedUp;

    public PortalAppFactory() : this(seedDemo: true)
    {
    }

    protected PortalAppFactory(bool seedDemo)
    {
        _seedDemo = seedDemo;
        DataDirectory = Path.Combine(Path.GetTempPath(), "reviewportal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        Database = TestDatabase.Create(DataDirectory);
    }

    public string DataDirectory { get; }
    public TestDatabase Database { get; }
    public FakeTimeProvider Time { get; } = new(Now);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>(Database.Settings)
        {
            ["Hangfire:RunServer"] = "false",
            ["Hangfire:Storage"] = "InMemory",
            ["Claude:Mode"] = "Simulated",
            ["Demo:SeedOnStartup"] = _seedDemo ? "true" : "false",
            ["DataProtection:KeysFolder"] = Path.Combine(DataDirectory, "keys"),
        };
        builder.UseEnvironment("Development");
        // UseSetting reaches Program.cs before builder.Build() (AddPortalDatabase reads it eagerly);
        // the in-memory source added last also wins over appsettings*.json and environment variables.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
        builder.ConfigureLogging(logging => logging.ClearProviders());
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Time);
        });
    }

    /// <summary>
    /// Settings on top of the base's: UseSetting for what Program.cs reads before Build, the in-memory source (added last,
    /// so it wins over appsettings*.json and environment variables) for the rest.
    /// </summary>
    protected static void UseSettings(IWebHostBuilder builder, IReadOnlyDictionary<string, string?> settings)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
    }

    public Task<ReviewPortalDbContext> CreateDbContextAsync() =>
        Services.GetRequiredService<IDbContextFactory<ReviewPortalDbContext>>().CreateDbContextAsync();

    /// <summary>A service as a request would get it (scoped services live until the factory is disposed).</summary>
    public T GetRequiredService<T>() where T : notnull
    {
        var scope = Services.CreateScope();
        lock (_scopes)
        {
            _scopes.Add(scope);
        }
        return scope.ServiceProvider.GetRequiredService<T>();
    }

    public async Task<DevPersona> PersonaAsync(string key) =>
        await GetRequiredService<DevPersonas>().FindAsync(key, CancellationToken.None)
        ?? throw new InvalidOperationException($"The demo organization has no '{key}' persona.");

    /// <summary>The viewer a demo persona (manager, appowner, compliance, admin) signs in as.</summary>
    public async Task<Viewer> ViewerForAsync(string personaKey)
    {
        var persona = await PersonaAsync(personaKey);
        return new Viewer(persona.IdentityId, persona.FullName, persona.Roles.ToHashSet());
    }

    public async Task<Viewer> ViewerForIdentityAsync(int identityId, params string[] roles)
    {
        await using var db = await CreateDbContextAsync();
        var name = await db.Identities.Where(i => i.Id == identityId).Select(i => i.DisplayName).SingleAsync();
        return new Viewer(identityId, name, roles.ToHashSet());
    }

    /// <summary>Plans a campaign as the wizard's preview step does (by the admin persona unless another admin is given).</summary>
    public async Task<Result<CampaignPreview>> PreviewCampaignAsync(CampaignDefinition definition, Viewer? admin = null) =>
        await GetRequiredService<PreviewCampaign>().HandleAsync(admin ?? await ViewerForAsync("admin"), definition);

    /// <summary>Launches a campaign through the real handler (by the admin persona unless another admin is given).</summary>
    public async Task<Result<LaunchResult>> LaunchCampaignAsync(CampaignDefinition definition, Viewer? admin = null, string? correlationId = null) =>
        await GetRequiredService<LaunchCampaign>().HandleAsync(admin ?? await ViewerForAsync("admin"), definition,
            correlationId ?? $"test-launch-{Guid.NewGuid():N}");

    /// <summary>A client that keeps cookies and shows redirects instead of following them.</summary>
    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = ClientOptions.BaseAddress });

    /// <summary>Signs in the way a person does: open the persona page, post that persona's form.</summary>
    /// <summary>The antiforgery token of the first persona form (valid for any sign-in post with the same cookies).</summary>
    public static async Task<string> SignInTokenAsync(HttpClient client)
    {
        var page = await client.GetStringAsync("/dev/sign-in");
        var token = Regex.Match(page, "name=\"__RequestVerificationToken\"[^>]*value=\"(?<v>[^\"]+)\"");
        return token.Success ? WebUtility.HtmlDecode(token.Groups["v"].Value)
            : throw new InvalidOperationException("The sign-in page carries no antiforgery token.");
    }

    public async Task<DevPersona> SignInAsAsync(HttpClient client, string personaKey)
    {
        var page = await client.GetStringAsync("/dev/sign-in");
        var form = Regex.Match(page, $"<form[^>]*action=\"/dev/sign-in/{Regex.Escape(personaKey)}\"[^>]*>(?<body>.*?)</form>",
            RegexOptions.Singleline);
        if (!form.Success)
        {
            throw new InvalidOperationException($"The sign-in page has no form for persona '{personaKey}'.");
        }
        var token = Regex.Match(form.Groups["body"].Value, "name=\"__RequestVerificationToken\"[^>]*value=\"(?<v>[^\"]+)\"");
        if (!token.Success)
        {
            throw new InvalidOperationException("The persona form carries no antiforgery token.");
        }
        using var response = await client.PostAsync($"/dev/sign-in/{personaKey}", new FormUrlEncodedContent(
            [new KeyValuePair<string, string>("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups["v"].Value))]));
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
        {
            throw new InvalidOperationException(
                $"Signing in as '{personaKey}' answered {(int)response.StatusCode} → {response.Headers.Location}.");
        }
        return await PersonaAsync(personaKey);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_cleanedUp)
        {
            return;
        }
        _cleanedUp = true;
        foreach (var scope in _scopes)
        {
            scope.Dispose();
        }
        await base.DisposeAsync();
        Database.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the folder is under the temp directory.
        }
    }
}

/// <summary>The portal on an empty, migrated database: no demo organization.</summary>
public sealed class EmptyPortalAppFactory() : PortalAppFactory(seedDemo: false);

/// <summary>One seeded portal shared by the read-only handler and HTTP tests (seeding costs seconds).</summary>
[CollectionDefinition(Name)]
public sealed class SeededPortalCollection : ICollectionFixture<PortalAppFactory>
{
    public const string Name = "Seeded portal";
}
