using ReviewPortal.Web.Infrastructure.Email;

// Beside the other AddPortalX() extensions, so Program.cs needs no extra using.
namespace ReviewPortal.Web.Infrastructure;

public static class EmailSetup
{
    /// <summary>SMTP when <c>Email:Smtp:Host</c> is set; otherwise .eml files in the pickup folder.</summary>
    public static IServiceCollection AddPortalEmail(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddPortalOptions<EmailOptions>(EmailOptions.Section);
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<EmailOptions>() is { UsesSmtp: false } options
            ? new PickupFolderEmailSender(Path.GetFullPath(options.PickupFolder, environment.ContentRootPath))
            : ActivatorUtilities.CreateInstance<SmtpEmailSender>(sp));
        return services;
    }
}
