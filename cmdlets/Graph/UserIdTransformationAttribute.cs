using System;
using System.Management.Automation;

namespace Microsoft.Graph.Entra.Rs.Graph;

/// <summary>
/// Makes -UserId bind what admins pipe in: strings, and user objects from Get-EntraUser
/// (Id, ObjectId), Get-MgUser (Id), CSV rows (UserId, UserPrincipalName). Any other object is
/// refused, naming its type: PowerShell would otherwise bind its ToString() (for example
/// "Microsoft.Graph.PowerShell.Models.MicrosoftGraphUser") and send that to Graph.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class UserIdTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>Property names that carry a user's identifier, most specific first.</summary>
    private static readonly string[] IdProperties = { "UserId", "Id", "ObjectId", "UserPrincipalName" };

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        switch (value)
        {
            case null:
                return null!;
            case string text:
                return text;
            case Guid guid:
                return guid.ToString();
            case System.Collections.IEnumerable when value is not System.Collections.IDictionary:
                // -UserId takes one user, as Microsoft.Graph.Entra's does; several are piped.
                throw new ArgumentTransformationMetadataException(
                    "-UserId takes one user. To revoke several, pipe them: 'a@contoso.com', 'b@contoso.com' | Revoke-EntraUserAllRefreshToken");
        }

        var properties = PSObject.AsPSObject(inputData).Properties;
        foreach (string name in IdProperties)
        {
            if (properties[name]?.Value is { } id && (id is not string s || s.Length > 0))
            {
                return id is PSObject p ? p.BaseObject.ToString()! : id.ToString()!;
            }
        }

        throw new ArgumentTransformationMetadataException(
            $"An object of type '{value.GetType().FullName}' has no UserId, Id, ObjectId or UserPrincipalName property, so it does not identify a user. " +
            "Pipe user objects (Get-EntraUser, Get-MgUser) or identifier strings.");
    }
}
