using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Kiota.Authentication.Azure;
using ReviewPortal.Claude;
using ReviewPortal.Claude.Simulation;
using ReviewPortal.Web.Features.Connectors;
using ReviewPortal.Web.Infrastructure;

namespace ReviewPortal.Web.Features.People;

public static class PeopleSetup
{
    /// <summary>The people directory the directory sync reads (<c>People:Source</c>), and Microsoft Graph for Entra ID.</summary>
    public static IServiceCollection AddPeopleDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPortalOptions<PeopleOptions>(PeopleOptions.Section);
        services.AddSingleton<IHrDirectory>(sp =>
        {
            var simulatedClaude = sp.GetRequiredService<IOptions<ClaudeOptions>>().Value.Mode == ClaudeMode.Simulated;
            return sp.GetRequiredService<PeopleOptions>().SourceFor(simulatedClaude) switch
            {
                PeopleSource.Simulated => new SimulatedHrDirectory(sp.GetRequiredService<SimulatedOrganization>()),
                PeopleSource.EntraId or PeopleSource.Csv => ActivatorUtilities.CreateInstance<StoredHrDirectory>(sp),
                _ => new NoHrDirectory(),
            };
        });
        // The app registration that signs people in reads the directory too: client credentials, permission User.Read.All.
        services.AddSingleton<TokenCredential>(_ =>
        {
            var azureAd = configuration.GetSection("AzureAd");
            string Required(string key) => azureAd[key] is { Length: > 0 } value ? value : throw new StartupException(
                $"People:Source is EntraId but AzureAd:{key} is not set: the people sync signs in to Microsoft Graph with the " +
                "app registration's client credentials (application permission User.Read.All).");
            return new ClientSecretCredential(Required("TenantId"), Required("ClientId"), Required("ClientSecret"));
        });
        services.AddSingleton(sp =>
        {
            var baseUrl = sp.GetRequiredService<PeopleOptions>().Graph.BaseUrl;
            // Tokens go to the configured Graph host only (the SDK's default list names Microsoft's public hosts).
            var tokens = new AzureIdentityAuthenticationProvider(sp.GetRequiredService<TokenCredential>(),
                allowedHosts: [new Uri(baseUrl).Host], scopes: ["https://graph.microsoft.com/.default"]);
            return new GraphServiceClient(tokens, baseUrl);
        });
        return services;
    }
}
