using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Features.People;
using ReviewPortal.Web.Infrastructure;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Database;
using ReviewPortal.Web.Infrastructure.Jobs;
using ReviewPortal.Web.Infrastructure.Operations;

// One executable: the portal, or an operations verb (`migrate`, …) that runs and exits.
return await StartupGuard.RunAsync(async () =>
{
    var command = OperationsCommand.Parse(args);
    var builder = WebApplication.CreateBuilder(command.HostArgs);
    builder.AddPortalConfiguration();
    builder.AddOperationsLogging(command);

    builder.Services.AddPortalDatabase(builder.Configuration, builder.Environment);
    builder.Services.AddPortalAuth(builder.Configuration, builder.Environment, signInNeeded: command.Verb is null);
    builder.Services.AddClaudeConnector(builder.Configuration);
    builder.Services.AddPeopleDirectory(builder.Configuration);
    builder.Services.AddPortalJobs(builder.Configuration);
    builder.Services.AddPortalEmail(builder.Environment);
    builder.Services.AddPortalFeatures();
    builder.Services.AddPortalUi(builder.Configuration, builder.Environment);

    var app = builder.Build();
    if (command.Verb is not null)
    {
        return await command.RunAsync(app);
    }

    app.RefuseUnsafeSettings();
    await app.PrepareDatabaseAsync();
    app.UsePortalPipeline();
    app.MapPortalAuth();
    app.MapPortalEndpoints();
    app.UsePortalRecurringJobs();
    await app.RunAsync();
    return 0;
});

public partial class Program;
