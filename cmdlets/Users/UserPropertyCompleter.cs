using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using Microsoft.Graph.Entra.Rs.Native;

namespace Microsoft.Graph.Entra.Rs.Users;

/// <summary>
/// Tab completion of Microsoft Graph user property names (the v1.0 <c>user</c> resource) for
/// Get-EntraUser -Property: <c>[ArgumentCompleter(typeof(UserPropertyCompleter))]</c>.
/// Matching is case-insensitive on the start of the name; names already given are not offered
/// again.
/// </summary>
public sealed class UserPropertyCompleter : IArgumentCompleter
{
    /// <summary>The properties Get-EntraUser reads when -Property is not given (the native query's list).</summary>
    private static readonly HashSet<string> DefaultProperties = new(NativeContract.DefaultUserProperties, StringComparer.OrdinalIgnoreCase);

    /// <summary>Properties Graph returns only when they are selected, worth a hint in the tooltip.</summary>
    private static readonly HashSet<string> SessionProperties = new(StringComparer.OrdinalIgnoreCase)
    {
        "signInSessionsValidFromDateTime", "refreshTokensValidFromDateTime",
    };

    /// <summary>Graph's user properties, as Graph spells them.</summary>
    public static IReadOnlyList<string> PropertyNames { get; } = new[]
    {
        "aboutMe", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans", "authorizationInfo",
        "birthday", "businessPhones", "city", "companyName", "consentProvidedForMinor", "country",
        "createdDateTime", "creationType", "customSecurityAttributes", "deletedDateTime", "department",
        "displayName", "employeeHireDate", "employeeId", "employeeLeaveDateTime", "employeeOrgData",
        "employeeType", "externalUserState", "externalUserStateChangeDateTime", "faxNumber", "givenName",
        "hireDate", "id", "identities", "imAddresses", "interests", "isManagementRestricted",
        "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime", "legalAgeGroupClassification",
        "licenseAssignmentStates", "mail", "mailboxSettings", "mailNickname", "mobilePhone", "mySite",
        "officeLocation", "onPremisesDistinguishedName", "onPremisesDomainName",
        "onPremisesExtensionAttributes", "onPremisesImmutableId", "onPremisesLastSyncDateTime",
        "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
        "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "otherMails", "passwordPolicies",
        "passwordProfile", "pastProjects", "postalCode", "preferredDataLocation", "preferredLanguage",
        "preferredName", "provisionedPlans", "proxyAddresses", "refreshTokensValidFromDateTime",
        "responsibilities", "schools", "securityIdentifier", "serviceProvisioningErrors",
        "showInAddressList", "signInActivity", "signInSessionsValidFromDateTime", "skills", "state",
        "streetAddress", "surname", "usageLocation", "userPrincipalName", "userType",
    };

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName,
        string parameterName,
        string wordToComplete,
        CommandAst commandAst,
        IDictionary fakeBoundParameters)
    {
        string word = wordToComplete ?? string.Empty;
        char? quote = word.Length > 0 && (word[0] == '\'' || word[0] == '"') ? word[0] : null;
        string prefix = word.Trim('\'', '"');
        HashSet<string> given = AlreadyGiven(fakeBoundParameters, parameterName, prefix);

        foreach (string name in PropertyNames)
        {
            if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || given.Contains(name))
            {
                continue;
            }

            string text = quote is char q ? $"{q}{name}{q}" : name;
            yield return new CompletionResult(text, name, CompletionResultType.ParameterValue, ToolTip(name));
        }
    }

    private static string ToolTip(string name)
    {
        if (DefaultProperties.Contains(name))
        {
            return $"{name} (read by default)";
        }

        return SessionProperties.Contains(name)
            ? $"{name} (when sign-in sessions were last revoked; returned only when selected)"
            : name;
    }

    /// <summary>
    /// The values already typed for the parameter (-Property id, displayName, sig&lt;Tab&gt;),
    /// except the word being completed.
    /// </summary>
    private static HashSet<string> AlreadyGiven(IDictionary fakeBoundParameters, string parameterName, string prefix)
    {
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        object? bound = fakeBoundParameters?.Contains(parameterName) == true ? fakeBoundParameters[parameterName] : null;
        IEnumerable<object?> values = bound switch
        {
            null => Enumerable.Empty<object?>(),
            string s => new object?[] { s },
            IEnumerable e => e.Cast<object?>(),
            _ => new[] { bound },
        };
        foreach (object? value in values)
        {
            string? text = (value is PSObject p ? p.BaseObject : value)?.ToString();
            if (!string.IsNullOrEmpty(text) && !text.Equals(prefix, StringComparison.OrdinalIgnoreCase))
            {
                given.Add(text);
            }
        }

        return given;
    }
}
