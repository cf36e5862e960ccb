using System.Reflection;
using FluentValidation;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using ReviewPortal.Web.Components;
using ReviewPortal.Web.Data;
using ReviewPortal.Web.Features.Audit;
using ReviewPortal.Web.Features.Campaigns;
using ReviewPortal.Web.Features.Demo;
using ReviewPortal.Web.Features.Lifecycle;
using ReviewPortal.Web.Features.Remediation;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure.Auth;
using ReviewPortal.Web.Infrastructure.Database;
using ReviewPortal.Web.Infrastructure.Jobs;

namespace ReviewPortal.Web.Infrastructure;

public static class PortalSetup
{
    /// <summary>
    /// Registers every use-case handler and job in Features/ by convention: a public, non-nested
    /// class whose constructor takes services (records, options, validators and components aside).
    /// Validators are found by FluentValidation's own scan.
    /// </summary>
    public static IServiceCollection AddPortalFeatures(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        foreach (var type in typeof(PortalSetup).Assembly.GetTypes().Where(IsUseCase))
        {
            services.AddScoped(type);
        }
        services.AddValidatorsFromAssembly(typeof(PortalSetup).Assembly, ServiceLifetime.Singleton);
        services.AddPortalOptions<FulfilmentOptions>(FulfilmentOptions.Section);
        services.AddPortalOptions<RequestsOptions>(RequestsOptions.Section);
        services.AddPortalOptions<RemediationOptions>(RemediationOptions.Section);
        services.AddPortalOptions<LifecycleOptions>(LifecycleOptions.Section);
        services.AddPortalOptions<CampaignsOptions>(CampaignsOptions.Section);
        services.AddSingleton<IValidateOptions<FulfilmentOptions>, FulfilmentOptionsValidator>();
        services.AddSingleton<DatabaseMigrator>();
        return services;
    }

    private static bool IsUseCase(Type type) =>
        type is { IsClass: true, IsAbstract: false, IsPublic: true, IsNested: false }
        && type.Namespace?.StartsWith("ReviewPortal.Web.Features", StringComparison.Ordinal) == true
        && !typeof(Microsoft.AspNetCore.Components.IComponent).IsAssignableFrom(type)
        && !typeof(IValidator).IsAssignableFrom(type)
        && !typeof(Exception).IsAssignableFrom(type)
        && type.GetProperty("EqualityContract", BindingFlags.NonPublic | BindingFlags.Instance) is null
        && type.GetConstructors().Any(c => c.GetParameters().Length > 0);

    public static IServiceCollection AddPortalUi(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Toasts bottom left: top right they covered the review drawer's close button (issue #15).
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft);
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddPortalForwardedHeaders(configuration);

        // Several web nodes must share Data Protection keys (antiforgery, auth cookies): they share the app database, so
        // the keys live there unless DataProtection:KeysFolder names a folder instead.
        var keysFolder = configuration["DataProtection:KeysFolder"];
        var dataProtection = services.AddDataProtection().SetApplicationName("ReviewPortal");
        if (!string.IsNullOrWhiteSpace(keysFolder))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.GetFullPath(keysFolder, environment.ContentRootPath)));
        }
        else
        {
            dataProtection.PersistKeysToDbContext<ReviewPortalDbContext>();
        }
        return services;
    }

    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        await app.MigrateEmbeddedDatabaseAsync();
        if (app.Configuration.GetValue("Demo:SeedOnStartup", false))
        {
            // Synchronous on purpose: the first page anyone opens already shows the demo organization.
            using var scope = app.Services.CreateScope();
            await scope.ServiceProvider.GetRequiredService<DemoBootstrap>().RunAsync();
        }
    }

    /// <summary>SQL Server and PostgreSQL are migrated as a deployment step (the migrate verb), never by a web node.</summary>
    public static async Task MigrateEmbeddedDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<DatabaseOptions>();
        var connection = app.Services.GetRequiredService<DatabaseConnection>();
        if (connection.Provider == Data.DatabaseProvider.Sqlite && options.MigrateOnStartup)
        {
            await app.Services.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }
    }

    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            // First: behind a TLS-terminating proxy, the scheme and client address the rest of the pipeline sees
            // (Secure cookies, the https OpenID callback) are the ones the proxy received.
            app.UseForwardedHeaders();
        }
        app.UsePortalSecurityHeaders();
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
            // A load balancer's health probe may speak plain HTTP to the node; people never do.
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/healthz"), branch => branch.UseHttpsRedirection());
        }
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UsePortalCulture();
        app.UseDevSignInOnlyInDevelopment();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Urls.Count > 0 ? string.Join(", ", app.Urls) : "(see ASPNETCORE_URLS)";
            app.Logger.LogInformation("ReviewPortal is running at {Addresses}", addresses);
        });
        return app;
    }

    public static WebApplication MapPortalEndpoints(this WebApplication app)
    {
        // The sign-in page needs its CSS and scripts before anyone has signed in (the fallback policy would answer 302).
        app.MapStaticAssets().AllowAnonymous();
        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsJsonAsync(new
                {
                    status = report.Status == HealthStatus.Healthy ? "healthy" : "unhealthy",
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()),
                });
            },
        }).AllowAnonymous();
        app.MapPortalJobsDashboard();
        app.MapAuditExport();
        // frame-ancestors is in the one Content-Security-Policy every response carries (SecurityHeaders), not in a second header.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }
}
