using Microsoft.Extensions.Configuration.Json;

namespace ReviewPortal.Web.Infrastructure;

public static class PortalConfiguration
{
    /// <summary>Verbs keep stdout for their JSON summary line: every log line goes to stderr.</summary>
    public static WebApplicationBuilder AddOperationsLogging(this WebApplicationBuilder builder, Operations.OperationsCommand command)
    {
        if (command.IsVerb)
        {
            builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        }
        return builder;
    }

    /// <summary>
    /// In Development the one appsettings.Development.json lives at the repository root (it is
    /// linked into the build output). It slots in where the host would have loaded its own copy:
    /// after appsettings.json, before user secrets, environment variables and the command line.
    /// </summary>
    public static WebApplicationBuilder AddPortalConfiguration(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            return builder;
        }
        var file = Path.Combine(AppContext.BaseDirectory, "appsettings.Development.json");
        if (!File.Exists(file))
        {
            return builder;
        }
        var sources = builder.Configuration.Sources;
        var baseIndex = sources.Select((s, i) => (s, i))
            .Where(x => x.s is JsonConfigurationSource { Path: "appsettings.json" })
            .Select(x => x.i).DefaultIfEmpty(-1).First();
        var development = new JsonConfigurationSource { Path = file, Optional = true, ReloadOnChange = false };
        development.ResolveFileProvider();
        sources.Insert(baseIndex + 1, development);
        return builder;
    }
}
