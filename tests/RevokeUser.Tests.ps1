# Revoke-EntraUserAllRefreshToken for one user or a handful (issue "foundation"): how users are
# identified (parameters, aliases, pipeline, objects), what goes on the wire, what comes back,
# and how each failure is reported. Every test runs the real module against graph-emulator.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $CommandId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand'
    $EnvironmentName = 'RevokeUserTestsEmulator'
    $GuidPattern = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

    # Seeded users of the emulator (rust/emulator/README.md).
    $Adele = @{ Upn = 'AdeleV@contoso.com'; Id = '87d349ed-44d7-43e1-9a83-5f2406dee5bd' }
    $Alex = @{ Upn = 'AlexW@contoso.com'; Id = '6e7b768e-07e2-4810-8459-485f84f8f204' }
    $Megan = @{ Upn = 'MeganB@contoso.com'; Id = '48d31887-5fad-4d73-a9f5-3c356e68a038' }
    $Lee = @{ Upn = 'LeeG@contoso.com'; Id = '5bde3e51-d13b-4db1-9948-fe4b109d11a7' }
    $ServiceUpn = '$svc-backup@contoso.com'
    $ServiceId = 'b5b1c7e0-2f4b-4c8e-9d1a-3e5f7a9c0d11'
    $GuestUpn = 'jane.doe_fabrikam.com#EXT#@contoso.onmicrosoft.com'
    $GuestId = 'c0ffee00-5a1e-4e57-9a7e-00000000ca5e'

    $Emulator = Start-GraphEmulator

    function Get-Request {
        # The Graph requests the emulator recorded since the last reset, as an array.
        @(Get-GraphEmulatorRequest)
    }

    function Get-RevocationCount([string] $UserId) {
        (Get-GraphEmulatorUserState -UserId $UserId).revocations
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Revoke-EntraUserAllRefreshToken' {
    BeforeEach {
        Reset-GraphEmulator
        Connect-GraphEmulator -Name $EnvironmentName
    }

    Context 'Identifying the user' {
        It 'revokes a user given by object id (GUID)' {
            $result = Revoke-EntraUserAllRefreshToken -UserId $Adele.Id
            $result.UserId | Should -BeExactly $Adele.Id
            (Get-Request).rawPath | Should -Be @("/v1.0/users/$($Adele.Id)/revokeSignInSessions")
            Get-RevocationCount $Adele.Id | Should -Be 1
        }

        It 'revokes a user given by userPrincipalName' {
            $result = Revoke-EntraUserAllRefreshToken -UserId $Alex.Upn
            $result.UserId | Should -BeExactly $Alex.Upn
            (Get-Request).rawPath | Should -Be @("/v1.0/users/$($Alex.Upn)/revokeSignInSessions")
            Get-RevocationCount $Alex.Id | Should -Be 1
        }

        It 'accepts -ObjectId, the parameter''s name in older Entra modules' {
            $result = Revoke-EntraUserAllRefreshToken -ObjectId $Megan.Id
            $result.UserId | Should -BeExactly $Megan.Id
            Get-RevocationCount $Megan.Id | Should -Be 1
        }

        It 'accepts the -<Alias> alias' -TestCases @(@{ Alias = 'Id' }, @{ Alias = 'UserPrincipalName' }) {
            $parameters = @{ $Alias = $Lee.Upn }
            $result = Revoke-EntraUserAllRefreshToken @parameters
            $result.UserId | Should -BeExactly $Lee.Upn
            Get-RevocationCount $Lee.Id | Should -Be 1
        }

        It 'takes the user id as its first positional argument' {
            $result = Revoke-EntraUserAllRefreshToken $Adele.Upn
            $result.UserId | Should -BeExactly $Adele.Upn
            Get-RevocationCount $Adele.Id | Should -Be 1
        }

        It 'revokes every user of a pipeline of strings, each once' {
            $inputs = $Adele.Upn, $Alex.Id, $Megan.Upn, $Lee.Id
            $results = $inputs | Revoke-EntraUserAllRefreshToken
            $results | Should -HaveCount 4
            $results.UserId | Sort-Object | Should -Be ($inputs | Sort-Object)
            foreach ($id in $Adele.Id, $Alex.Id, $Megan.Id, $Lee.Id) { Get-RevocationCount $id | Should -Be 1 }
            Get-Request | Should -HaveCount 4
        }

        It 'binds a piped object by its <Property> property' -TestCases @(
            @{ Property = 'ObjectId'; Value = '87d349ed-44d7-43e1-9a83-5f2406dee5bd' }
            @{ Property = 'Id'; Value = '87d349ed-44d7-43e1-9a83-5f2406dee5bd' }
            @{ Property = 'UserId'; Value = 'AdeleV@contoso.com' }
            @{ Property = 'UserPrincipalName'; Value = 'AdeleV@contoso.com' }
        ) {
            $user = [pscustomobject]@{ DisplayName = 'Adele Vance'; $Property = $Value }
            $result = $user | Revoke-EntraUserAllRefreshToken
            $result.UserId | Should -BeExactly $Value
            (Get-Request).rawPath | Should -Be @("/v1.0/users/$Value/revokeSignInSessions")
            Get-RevocationCount $Adele.Id | Should -Be 1
        }

        It 'revokes a Get-EntraUser-like object (Id, ObjectId and UserPrincipalName) once, by its Id' {
            $users = foreach ($u in $Adele, $Alex) {
                [pscustomobject]@{ PSTypeName = 'Microsoft.Graph.Entra.User'; Id = $u.Id; ObjectId = $u.Id; UserPrincipalName = $u.Upn; DisplayName = 'x' }
            }
            $results = $users | Revoke-EntraUserAllRefreshToken
            $results.UserId | Sort-Object | Should -Be (@($Adele.Id, $Alex.Id) | Sort-Object)
            (Get-Request).rawPath | Sort-Object | Should -Be (@("/v1.0/users/$($Adele.Id)/revokeSignInSessions", "/v1.0/users/$($Alex.Id)/revokeSignInSessions") | Sort-Object)
        }

        It 'refuses a <Kind> that has no id property, naming its type, and sends nothing' -TestCases @(
            @{ Kind = 'PSCustomObject'; Make = { [pscustomobject]@{ Name = 'x' } }; TypeName = 'System.Management.Automation.PSCustomObject' }
            @{ Kind = 'hashtable'; Make = { @{ Name = 'x' } }; TypeName = 'System.Collections.Hashtable' }
            @{ Kind = 'DateTime'; Make = { Get-Date }; TypeName = 'System.DateTime' }
        ) {
            $errors = $null
            $results = & $Make | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors
            $results | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].Exception.Message | Should -BeLike "*'$TypeName'*"
            $errors[0].FullyQualifiedErrorId | Should -BeLike "*,$CommandId"
            Get-Request | Should -HaveCount 0
        }

        It 'still revokes the other users of a pipeline after refusing an object without id' {
            $errors = $null
            $results = $Adele.Upn, [pscustomobject]@{ Name = 'x' }, $Alex.Upn |
                Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors
            # Users are revoked concurrently, so results come in completion order.
            ($results.UserId | Sort-Object) | Should -Be (@($Adele.Upn, $Alex.Upn) | Sort-Object)
            $errors | Should -HaveCount 1
            Get-Request | Should -HaveCount 2
        }
    }

    Context 'Results' {
        It 'outputs a RevokeResult with UserId exactly as given, Value $true and the ids of the call' {
            $result = Revoke-EntraUserAllRefreshToken -UserId $Adele.Upn
            $result | Should -HaveCount 1
            $result | Should -BeOfType ([Microsoft.Graph.Entra.Rs.Models.RevokeResult])
            $result.UserId | Should -BeExactly $Adele.Upn
            $result.Value | Should -BeExactly $true
            $result.HttpStatus | Should -Be 200
            $result.Attempts | Should -Be 1
            $result.Duration | Should -BeOfType ([TimeSpan])
            $result.RequestId | Should -Match $GuidPattern
            $request = Get-Request
            $result.ClientRequestId | Should -BeExactly $request[0].headers.'client-request-id'
        }

        It 'moves the user''s signInSessionsValidFromDateTime forward' {
            $before = (Get-GraphEmulatorUser -UserId $Megan.Upn).signInSessionsValidFromDateTime
            $started = [DateTimeOffset]::UtcNow.AddSeconds(-1)   # the emulator keeps whole seconds
            $result = Revoke-EntraUserAllRefreshToken -UserId $Megan.Upn
            $after = [DateTimeOffset](Get-GraphEmulatorUser -UserId $Megan.Upn).signInSessionsValidFromDateTime
            $after | Should -BeGreaterThan ([DateTimeOffset]$before)
            $after | Should -BeGreaterOrEqual $started
            $result.RevokedAt | Should -BeGreaterOrEqual $started
        }
    }

    Context 'Failures' {
        It 'reports an unknown user as one ObjectNotFound error with its request-id while the others succeed' {
            $errors = $null
            $unknown = 'nobody@contoso.com'
            $results = $Adele.Upn, $unknown, $Alex.Upn | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors
            $results.UserId | Sort-Object | Should -Be @($Adele.Upn, $Alex.Upn)
            $errors | Should -HaveCount 1
            $e = $errors[0]
            $e.FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$CommandId"
            $e.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $e.TargetObject | Should -BeExactly $unknown
            $e.Exception | Should -BeOfType ([Microsoft.Graph.Entra.Rs.Revocation.GraphRequestException])
            $e.Exception.HttpStatus | Should -Be 404
            $e.Exception.Code | Should -BeExactly 'Request_ResourceNotFound'
            $e.Exception.RequestId | Should -Match $GuidPattern
            $e.Exception.Message | Should -BeLike "*$($e.Exception.RequestId)*"
            $e.Exception.ClientRequestId | Should -BeIn @((Get-Request).headers.'client-request-id')
            $e.Exception.Attempts | Should -Be 1
        }

        It 'refuses <Why> as InvalidArgument without sending any request' -TestCases @(
            @{ Why = 'a blank identifier'; UserId = ' ' }
            @{ Why = 'leading and trailing whitespace'; UserId = ' AdeleV@contoso.com ' }
            @{ Why = 'a path traversal'; UserId = '../me' }
            @{ Why = 'a slash in a UPN'; UserId = 'a/b@x.com' }
            @{ Why = 'a query'; UserId = 'x?y' }
            @{ Why = 'an encoded traversal'; UserId = '%2e%2e' }
            @{ Why = 'a NUL character'; UserId = "ab`u{0}c@contoso.com" }
            @{ Why = 'a line feed'; UserId = "ab`ncd@contoso.com" }
            @{ Why = 'a tab'; UserId = "`t" }
            @{ Why = 'a 200-character string'; UserId = 'a' * 200 }
            @{ Why = 'a 200-character UPN'; UserId = ('a' * 188) + '@contoso.com' }
        ) {
            $errors = $null
            $results = Revoke-EntraUserAllRefreshToken -UserId $UserId -ErrorAction SilentlyContinue -ErrorVariable errors
            $results | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidUserId,$CommandId"
            $errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $errors[0].TargetObject | Should -BeExactly $UserId
            Get-Request | Should -HaveCount 0
            (Get-GraphEmulatorStat).totalRequests | Should -Be 0
        }

        It 'refuses an empty -UserId with Microsoft.Graph.Entra''s binding error' {
            { Revoke-EntraUserAllRefreshToken -UserId '' } |
                Should -Throw -ExpectedMessage "Cannot bind argument to parameter 'UserId' because it is an empty string."
            Get-Request | Should -HaveCount 0
        }

        It 'refuses a missing -UserId value at binding' {
            { Revoke-EntraUserAllRefreshToken -UserId } | Should -Throw -ExpectedMessage "*Missing an argument for parameter 'UserId'*"
            Get-Request | Should -HaveCount 0
        }

        It 'refuses an empty string from the pipeline without a request and revokes the rest' {
            $errors = $null
            $results = '', $Adele.Upn | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors
            $results.UserId | Should -Be @($Adele.Upn)
            $errors | Should -HaveCount 1
            $errors[0].Exception | Should -BeOfType ([System.Management.Automation.ParameterBindingException])
            $errors[0].Exception.ParameterName | Should -BeExactly 'UserId'
            (Get-Request).rawPath | Should -Be @("/v1.0/users/$($Adele.Upn)/revokeSignInSessions")
        }

        It 'stops with NotConnected, and sends nothing, when not connected' {
            Disconnect-Entra
            { Revoke-EntraUserAllRefreshToken -UserId $Adele.Upn } |
                Should -Throw -ErrorId "NotConnected,$CommandId" -ExpectedMessage '*Connect-Entra*'
            { $Adele.Upn, $Alex.Upn | Revoke-EntraUserAllRefreshToken } | Should -Throw -ErrorId "NotConnected,$CommandId"
            Get-Request | Should -HaveCount 0
        }

        It 'reports a token without User.RevokeSessions.All as PermissionDenied naming that permission' {
            Add-GraphEmulatorToken -Token 'revoke-tests-read-only' -Roles 'User.Read.All' | Out-Null
            Connect-GraphEmulator -Name $EnvironmentName -Token 'revoke-tests-read-only'
            $errors = $null
            $results = Revoke-EntraUserAllRefreshToken -UserId $Adele.Upn -ErrorAction SilentlyContinue -ErrorVariable errors
            $results | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "PermissionDenied,$CommandId"
            $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*User.RevokeSessions.All*'
            $errors[0].Exception.HttpStatus | Should -Be 403
            $errors[0].Exception.Code | Should -BeExactly 'Authorization_RequestDenied'
            $errors[0].TargetObject | Should -BeExactly $Adele.Upn
            # A 403 is final: retrying cannot help.
            Get-Request | Should -HaveCount 1
            Get-RevocationCount $Adele.Id | Should -Be 0
        }

        It 'names the piped Get-EntraUser object as the TargetObject of its error, and the result keeps the identifier' {
            # Read-only token: Get-EntraUser finds the users, their revocations are refused (403).
            Add-GraphEmulatorToken -Token 'revoke-tests-read-only' -Roles 'User.Read.All' | Out-Null
            Connect-GraphEmulator -Name $EnvironmentName -Token 'revoke-tests-read-only'
            $users = @((Get-EntraUser -UserId $Adele.Upn), (Get-EntraUser -UserId $Alex.Id))
            $errors = $null
            $users | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors | Should -BeNullOrEmpty
            $errors | Should -HaveCount 2
            foreach ($user in $users) {
                $e = @($errors | Where-Object { $_.TargetObject.Id -eq $user.Id })
                $e | Should -HaveCount 1
                [object]::ReferenceEquals($e[0].TargetObject, $user) | Should -BeTrue -Because 'the error names the very object piped'
                $e[0].TargetObject.PSObject.TypeNames | Should -Contain 'Microsoft.Graph.Entra.Rs.User'
                $e[0].FullyQualifiedErrorId | Should -BeExactly "PermissionDenied,$CommandId"
            }
        }

        It 'names a piped CSV row as the TargetObject of its error while the others succeed with their identifiers' {
            $rows = "UserPrincipalName`n$($Adele.Upn)`nnobody@contoso.com" | ConvertFrom-Csv
            $errors = $null
            $results = $rows | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors
            $results.UserId | Should -BeExactly @($Adele.Upn)
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$CommandId"
            [object]::ReferenceEquals($errors[0].TargetObject, $rows[1]) | Should -BeTrue
            $errors[0].TargetObject.UserPrincipalName | Should -BeExactly 'nobody@contoso.com'
        }

        It 'reports a token Graph does not accept as AuthenticationError' {
            Connect-GraphEmulator -Name $EnvironmentName -Token 'revoke-tests-unknown-token'
            $errors = $null
            $results = Revoke-EntraUserAllRefreshToken -UserId $Adele.Upn -ErrorAction SilentlyContinue -ErrorVariable errors
            $results | Should -BeNullOrEmpty
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "AuthenticationFailed,$CommandId"
            $errors[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
            $errors[0].Exception.HttpStatus | Should -Be 401
            $errors[0].ErrorDetails.RecommendedAction | Should -BeLike '*Connect-Entra*'
            Get-RevocationCount $Adele.Id | Should -Be 0
        }
    }

    Context 'Requests on the wire' {
        It 'sends a GUID client-request-id that is unique per request' {
            $Adele.Upn, $Alex.Upn, $Megan.Id, $Lee.Id, $ServiceUpn, $GuestUpn | Revoke-EntraUserAllRefreshToken | Out-Null
            $ids = @((Get-Request).headers.'client-request-id')
            $ids | Should -HaveCount 6
            foreach ($id in $ids) { $id | Should -Match $GuidPattern }
            $ids | Sort-Object -Unique | Should -HaveCount 6
        }

        It 'sends a new client-request-id and a retry-attempt header when it retries' {
            Set-GraphEmulatorFault @{ rate503 = 0.5; retryAfter503 = '0.01' } | Out-Null
            $Adele.Upn, $Alex.Upn, $Megan.Upn, $Lee.Upn | Revoke-EntraUserAllRefreshToken | Should -HaveCount 4
            $requests = Get-Request
            $requests.Count | Should -BeGreaterThan 4 -Because 'half the attempts were answered 503'
            $requests.headers.'client-request-id' | Sort-Object -Unique | Should -HaveCount $requests.Count
            $retries = @($requests | Where-Object { $_.headers.PSObject.Properties['retry-attempt'] })
            $retries.Count | Should -Be ($requests.Count - 4)
        }

        It 'identifies itself with User-Agent PowerShell/{version} Microsoft.Graph.Entra.Rs/0.1.0 Revoke-EntraUserAllRefreshToken' {
            $Adele.Upn, $Alex.Id | Revoke-EntraUserAllRefreshToken | Out-Null
            $agents = @((Get-Request).headers.'user-agent')
            $agents | Should -HaveCount 2
            foreach ($agent in $agents) {
                $agent | Should -MatchExactly '^PowerShell/7\.\d+\.\d+ Microsoft\.Graph\.Entra\.Rs/0\.1\.0 Revoke-EntraUserAllRefreshToken$'
                $agent | Should -BeLike "PowerShell/$($PSVersionTable.PSVersion) *"
            }
        }

        It 'sends POST /v1.0/users/{id}/revokeSignInSessions with the bearer token and no body' {
            Revoke-EntraUserAllRefreshToken -UserId $Adele.Id | Out-Null
            $request = (Get-Request)[0]
            $request.method | Should -BeExactly 'POST'
            $request.path | Should -BeExactly "/v1.0/users/$($Adele.Id)/revokeSignInSessions"
            $request.query | Should -BeNullOrEmpty
            $request.headers.authorization | Should -BeExactly "Bearer $($Emulator.Token)"
            $length = $request.headers.PSObject.Properties['content-length']
            if ($length) { $length.Value | Should -Be '0' }
        }

        It 'addresses a UPN starting with $ as users(''$upn'') and revokes it' {
            $result = Revoke-EntraUserAllRefreshToken -UserId $ServiceUpn
            $result.UserId | Should -BeExactly $ServiceUpn
            (Get-Request).rawPath | Should -Be @("/v1.0/users('$ServiceUpn')/revokeSignInSessions")
            Get-RevocationCount $ServiceId | Should -Be 1
        }

        It 'sends the # of a guest #EXT# UPN as %23 and revokes it' {
            $result = Revoke-EntraUserAllRefreshToken -UserId $GuestUpn
            $result.UserId | Should -BeExactly $GuestUpn
            (Get-Request).rawPath | Should -Be @('/v1.0/users/jane.doe_fabrikam.com%23EXT%23@contoso.onmicrosoft.com/revokeSignInSessions')
            Get-RevocationCount $GuestId | Should -Be 1
        }

        It 'sends nothing with -WhatIf' {
            $results = $Adele.Upn, $Alex.Id | Revoke-EntraUserAllRefreshToken -WhatIf
            $results | Should -BeNullOrEmpty
            Get-Request | Should -HaveCount 0
            Get-RevocationCount $Adele.Id | Should -Be 0
        }

        It 'revokes with -Confirm:$false as without it' {
            $result = Revoke-EntraUserAllRefreshToken -UserId $Adele.Upn -Confirm:$false
            $result.UserId | Should -BeExactly $Adele.Upn
            Get-Request | Should -HaveCount 1
        }
    }

    Context 'Get-EntraContext' {
        It 'never shows the access token (<Kind> token)' -TestCases @(
            @{ Kind = 'opaque'; Token = "opaque-secret-$([guid]::NewGuid().ToString('N'))" }
            @{ Kind = 'JWT-shaped'; Token = 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJ0aWQiOiJjb250b3NvIiwiYXBwaWQiOiJhcHAiLCJyb2xlcyI6WyJVc2VyLlJldm9rZVNlc3Npb25zLkFsbCJdfQ.c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ' }
        ) {
            Add-GraphEmulatorToken -Token $Token -Roles 'User.RevokeSessions.All' | Out-Null
            Connect-GraphEmulator -Name $EnvironmentName -Token $Token
            # The token works (so the session really holds it) ...
            (Revoke-EntraUserAllRefreshToken -UserId $Adele.Upn).Value | Should -BeTrue
            (Get-Request).headers.authorization | Should -Be @("Bearer $Token")

            # ... and Get-EntraContext shows it nowhere.
            $context = Get-EntraContext
            $context | Should -HaveCount 1
            $signature = $Token.Split('.')[-1]
            foreach ($property in $context.PSObject.Properties) {
                foreach ($value in @($property.Value)) {
                    "$value" | Should -Not -BeLike "*$Token*" -Because "property $($property.Name) must not show the token"
                    "$value" | Should -Not -BeLike "*$signature*" -Because "property $($property.Name) must not show the token"
                }
            }
            foreach ($text in ($context | Out-String), ($context | Format-List * | Out-String), ($context | ConvertTo-Json -Depth 5)) {
                $text | Should -Not -BeLike "*$signature*"
            }
        }
    }
}

Describe 'Reading the piped object for error records (CurrentPipelineObject, no public API for it)' {
    BeforeAll {
        $Reader = (Get-Module Microsoft.Graph.Entra.Rs).ImplementingAssembly.GetType('Microsoft.Graph.Entra.Rs.Cmdlets.CurrentPipelineObject', $true)
        $Of = $Reader.GetMethod('Of', [System.Reflection.BindingFlags] 'Static, NonPublic')
        Add-Type -TypeDefinition @'
public class EngineWithThePipelineObject {
    public EngineWithThePipelineObject(System.Management.Automation.PSObject current) { CurrentPipelineObject = current; }
    internal System.Management.Automation.PSObject CurrentPipelineObject { get; }
}
public class EngineWhereItHasAnotherType {
    internal string CurrentPipelineObject => "not a PSObject";
}
'@ -ReferencedAssemblies ([System.Management.Automation.PSObject].Assembly.Location)
    }

    It 'reads the engine''s member where it exists' {
        $row = [pscustomobject]@{ UserPrincipalName = 'AdeleV@contoso.com' }
        $Of.Invoke($null, @([EngineWithThePipelineObject]::new([psobject] $row))) | Should -Be $row
    }

    It 'falls back (null, so the bound value is used) when the member is missing or has another type' {
        $Of.Invoke($null, @([object]::new())) | Should -BeNullOrEmpty
        $Of.Invoke($null, @([EngineWhereItHasAnotherType]::new())) | Should -BeNullOrEmpty
    }
}
