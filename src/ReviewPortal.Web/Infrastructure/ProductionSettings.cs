using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Infrastructure.Database;
using ReviewPortal.Web.Infrastructure.Email;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Infrastructure;

/// <summary>
/// Settings that work on a developer's machine and fail quietly on a real deployment. A web node outside Development
/// refuses them at start-up, one line naming the setting. Verbs skip this: `migrate` runs as a deployment step with the
/// database settings alone. (Sign-in is refused where it is registered, in <c>AddPortalAuth</c>.)
/// </summary>
public static class ProductionSettings
{
    public static WebApplication RefuseUnsafeSettings(this WebApplication app)
    {
        if (app.Environment.IsDevelopment())
        {
            return app;
        }
        var environment = app.Environment.EnvironmentName;
        var refusal = KeysRefusal(app.Services)
            ?? EmailRefusal(app.Services.GetRequiredService<EmailOptions>(), environment)
            ?? JobsRefusal(app.Services.GetRequiredService<HangfireOptions>(), app.Services.GetRequiredService<DatabaseConnection>());
        return refusal is null ? app : throw new StartupException(refusal);
    }

    // Keys on one machine only (ASP.NET's default location) would sign a node's cookies and antiforgery tokens with keys
    // no other node knows, and lose them with the machine. The default is the database; no setting leaves them nowhere,
    // and this keeps it that way.
    private static string? KeysRefusal(IServiceProvider services) =>
        services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository
            is EntityFrameworkCoreXmlRepository<ReviewPortalDbContext> or FileSystemXmlRepository
            ? null
            : "Data Protection keys are stored neither in the app database nor in DataProtection:KeysFolder, so each node " +
              "would protect cookies with keys of its own. Set DataProtection__KeysFolder to a folder every node shares.";

    private static string? EmailRefusal(EmailOptions options, string environment) => options.UsesSmtp
        ? null
        : $"Email:Smtp:Host is not set; outside Development ('{environment}') mail goes to an SMTP server, never to the " +
          "pickup folder. Set Email__Smtp__Host (and Email__Smtp__Port, Email__Smtp__User, Email__Smtp__Password).";

    // In-memory storage is one queue per process: on a shared server database every node would schedule every recurring
    // job itself, and a job queued on a node without workers (Hangfire:RunServer=false) would never run.
    private static string? JobsRefusal(HangfireOptions options, DatabaseConnection database) =>
        database.Provider.IsServer() && JobsSetup.ParseStorage(options.Storage) == HangfireStorage.InMemory
            ? $"Hangfire:Storage is InMemory but Database:Provider is {database.Provider}: every node would run its own job " +
              $"queue. Set Hangfire__Storage={JobsSetup.StorageFor(database.Provider)}."
            : null;
}
