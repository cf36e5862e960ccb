using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ReviewPortal.Web.Features.Requests;
using ReviewPortal.Web.Infrastructure;

namespace ReviewPortal.Tests.Features.Requests;

/// <summary>The provisioning retry settings: their backoff, and the portal's registration refusing unusable values, naming the setting.</summary>
public sealed class FulfilmentOptionsTests
{
    [Fact]
    public void BackoffAfter_DoublesFromTheBaseUpToTheCap()
    {
        var options = new FulfilmentOptions();

        Assert.Equal([5, 10, 20, 40, 60, 60], Enumerable.Range(1, 6).Select(a => options.BackoffAfter(a).TotalMinutes));
    }

    [Theory]
    [InlineData("Requests:Fulfilment:MaxAttempts", "0", "Requests:Fulfilment:MaxAttempts")]
    [InlineData("Requests:Fulfilment:BaseBackoff", "00:00:00", "Requests:Fulfilment:BaseBackoff")]
    [InlineData("Requests:Fulfilment:MaxBackoff", "00:01:00", "MaxBackoff")]
    public void Registration_UnusableSetting_FailsValidationNamingIt(string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        // The portal's own registration (validated on start): the same binding and validator a starting node runs.
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPortalFeatures().BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<FulfilmentOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registration_Defaults_Valid()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddPortalFeatures().BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<FulfilmentOptions>>().Value;

        Assert.Equal((5, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)), (options.MaxAttempts, options.BaseBackoff, options.MaxBackoff));
    }
}
