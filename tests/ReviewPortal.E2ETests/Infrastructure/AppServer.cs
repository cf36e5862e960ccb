using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ReviewPortal.E2ETests.Infrastructure;

/// <summary>
/// Runs the real ReviewPortal app on a real Kestrel socket (127.0.0.1, OS-chosen port) so a browser can reach it.
/// One instance is shared by the "Browser" collection (see <see cref="BrowserCollection"/>); a test that needs
/// different settings starts its own with <see cref="StartAsync"/> and disposes it.
/// Every instance gets its own temp folder and SQLite file, deleted on dispose.
/// </summary>
public sealed class AppServer : IAsyncLifetime, IAsyncDisposable
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("REVIEWPORTAL_E2E_STARTUP_SECONDS"), out var s) && s > 0 ? s : 90);

    private readonly Dictionary<string, string?> _overrides;
    private readonly Action<IServiceCollection>? _services;
    private readonly LogTail _log = new(capacity: 200);
    private Factory? _factory;

    /// <summary>Used by xunit for the shared collection fixture: default settings.</summary>
    public AppServer() : this(null) { }

    private AppServer(IDictionary<string, string?>? overrides, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = Path.Combine(Path.GetTempPath(), "reviewportal-e2e", Guid.NewGuid().ToString("N"));
        DatabasePath = Path.Combine(DataDirectory, "reviewportal.db");
        _overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:ReviewPortal"] = $"Data Source={DatabasePath}",
            ["Claude:Mode"] = "Simulated",
            ["Hangfire:Storage"] = "InMemory",
        };
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            _overrides[key] = value;
        }
    }

    /// <summary>Root URL of the running app, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>This instance's private folder (holds the SQLite file).</summary>
    public string DataDirectory { get; }

    public string DatabasePath { get; }

    /// <summary>The effective configuration overrides (defaults plus the caller's).</summary>
    public IReadOnlyDictionary<string, string?> Settings => _overrides;

    /// <summary>The app's DI container, for arranging data directly (e.g. seeding through a DbContext).</summary>
    public IServiceProvider Services => _factory?.Services ?? throw new InvalidOperationException("AppServer is not started.");

    /// <summary>The last log lines the app wrote (newest last).</summary>
    public IReadOnlyList<string> RecentLogLines => _log.Snapshot();

    /// <summary>
    /// Starts a separate app instance with extra/overridden configuration values (keys like "Claude:Mode"), and, when
    /// given, <paramref name="services"/> applied over the app's own registrations (what no setting can reach, such as
    /// the credential Microsoft Graph is called with).
    /// </summary>
    public static async Task<AppServer> StartAsync(IDictionary<string, string?> overrides, Action<IServiceCollection>? services = null)
    {
        var server = new AppServer(overrides, services);
        try
        {
            await server.InitializeAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        _factory = new Factory(_overrides, _services, _log);
        _factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));

        var started = Task.Run(() => _factory.StartServer());
        var finished = await Task.WhenAny(started, Task.Delay(StartupTimeout));
        if (finished != started)
        {
            throw new TimeoutException($"The app did not start within {StartupTimeout.TotalSeconds:0} s.{LogTailText()}");
        }

        try
        {
            await started;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The app failed to start: {ex.GetType().Name}: {ex.Message}{LogTailText()}", ex);
        }

        var addresses = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault()
            ?? throw new InvalidOperationException($"The app started but reported no bound address.{LogTailText()}");
        BaseUrl = address.TrimEnd('/');

        await WaitForHealthyAsync();
    }

    private async Task WaitForHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow + StartupTimeout;
        var last = "no attempt";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = ex.Message;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"{BaseUrl}/healthz did not answer 200 within {StartupTimeout.TotalSeconds:0} s (last: {last}).{LogTailText()}");
    }

    private string LogTailText()
    {
        var lines = _log.Snapshot();
        return lines.Count == 0
            ? " The app wrote no log lines."
            : $"{Environment.NewLine}Last {Math.Min(lines.Count, 40)} app log lines:{Environment.NewLine}  "
              + string.Join(Environment.NewLine + "  ", lines.TakeLast(40));
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            try
            {
                await _factory.DisposeAsync();
            }
            catch (Exception)
            {
                // A failed start leaves a half-built host; there is nothing more to clean up.
            }

            _factory = null;
        }

        try
        {
            if (Directory.Exists(DataDirectory))
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort; the folder is under the temp dir.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services, LogTail log)
        : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");

            // UseSetting puts the values into host configuration, which Program.cs sees even before builder.Build();
            // the in-memory source added last also wins over appsettings*.json and environment variables.
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            builder.ConfigureLogging(logging => logging.AddProvider(log));
            if (services is not null)
            {
                builder.ConfigureTestServices(services);
            }
        }
    }
}

/// <summary>Keeps the last N log lines the app writes, for start-up failure messages.</summary>
internal sealed class LogTail(int capacity) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Snapshot() => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > capacity && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(LogTail owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var line = $"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                line += $" | {exception.GetType().Name}: {exception.Message}";
            }

            owner.Add(line);
        }
    }
}
