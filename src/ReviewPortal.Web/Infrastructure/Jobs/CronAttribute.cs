using System.ComponentModel.DataAnnotations;
using Cronos;

namespace ReviewPortal.Web.Infrastructure.Jobs;

/// <summary>
/// A schedule setting must be a cron expression Hangfire can read (five fields, or six with seconds): checked when the
/// portal starts, so a typo stops the start naming the setting instead of a job quietly never running.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CronAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string cron)
        {
            return ValidationResult.Success;
        }
        try
        {
            var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            CronExpression.Parse(cron, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            return ValidationResult.Success;
        }
        catch (CronFormatException ex)
        {
            return new ValidationResult($"{validationContext.MemberName} '{cron}' is not a cron expression: {ex.Message}",
                [validationContext.MemberName!]);
        }
    }
}
