using ReviewPortal.Web.Infrastructure.Email;

// Beside the other AddPortalX() extensions, so Program.cs needs no extra using.
namespace ReviewPortal.Web.Infrastructure;

public static class EmailSetup
{
    /// <summary>SMTP when <c>Email:Smtp:Host</c> is set; otherwise .eml files in the pickup folder.</summary>
    public static IServiceCollection AddPortalEmail(this IServiceCollection services, IConfiguration configuration,
        IHostEnvironment environment)
    {
        var options = configuration.GetSection(EmailOptions.Section).Get<EmailOptions>() ?? new EmailOptions();
        services.AddSingleton(options);
        if (options.UsesSmtp)
        {
            services.AddSingleton<IEmailSender, SmtpEmailSender>();
        }
        else
        {
            var folder = Path.GetFullPath(options.PickupFolder, environment.ContentRootPath);
            services.AddSingleton<IEmailSender>(new PickupFolderEmailSender(folder));
        }
        return services;
    }
}
