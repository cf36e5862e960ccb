using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ReviewPortal.Web.Infrastructure;

public static class PortalOptions
{
    /// <summary>
    /// The one way the portal reads a settings section: bound once, its annotations (<c>[Cron]</c>, <c>[Range]</c>) checked
    /// when the portal starts, so a bad value stops the start naming the setting; handlers and jobs take the value itself.
    /// </summary>
    public static OptionsBuilder<T> AddPortalOptions<T>(this IServiceCollection services, string section) where T : class
    {
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<T>>().Value);
        return services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
    }
}
