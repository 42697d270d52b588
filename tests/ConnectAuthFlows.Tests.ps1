# Connect-Entra's sign-in flows against the emulator's identity endpoints: every parameter set
# (client secret, certificate by object, thumbprint and subject, managed identity (IMDS and App
# Service), environment variables (secret, PEM, PFX), device code, access token), the errors an
# admin must be able to act on (wrong secret, unknown tenant or client, expired or unregistered
# certificate, missing permission), clouds (every request to the connected environment),
# proxies, and token lifetime in bulk runs (expiry mid-run, 401 renewal once, no storm).
# Certificates are generated here; the connection is process-wide, so each test connects as it needs.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $ConnectId = 'Microsoft.Graph.Entra.Rs.Cmdlets.ConnectEntraCommand'
    $RevokeId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand'
    $Secret = 'Fk8Q~client.secret-for/tests+1='
    $Tenant = Get-GraphEmulatorTenantId

    # Variables the flows read; each test sets what it needs and they are restored after it.
    $FlowVariables = 'AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_CLIENT_CERTIFICATE_PATH',
        'AZURE_CLIENT_CERTIFICATE_PASSWORD', 'AZURE_CLIENT_SEND_CERTIFICATE_CHAIN', 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER',
        'AZURE_POD_IDENTITY_AUTHORITY_HOST', 'HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY',
        'https_proxy', 'http_proxy', 'all_proxy', 'no_proxy'
    # Ordinal keys: on Linux HTTPS_PROXY and https_proxy are two variables (a hashtable would merge them).
    $SavedVariables = [System.Collections.Generic.Dictionary[string, string]]::new([StringComparer]::Ordinal)
    foreach ($name in $FlowVariables) { $SavedVariables[$name] = [Environment]::GetEnvironmentVariable($name) }

    function Clear-FlowVariables {
        foreach ($name in $FlowVariables) { [Environment]::SetEnvironmentVariable($name, $null) }
    }

    # The emulator started last is the default target of the harness helpers.
    $Other = Start-GraphEmulator
    $Emulator = Start-GraphEmulator -Users 3000
    $Env = Add-GraphEmulatorEnvironment -Name 'AuthFlowsEmulator' -Emulator $Emulator
    $OtherEnv = Add-GraphEmulatorEnvironment -Name 'AuthFlowsOther' -Emulator $Other

    function New-SecretCredential([string] $UserName, [string] $Password = $Secret) {
        [pscredential]::new($UserName, (ConvertTo-SecureString $Password -AsPlainText -Force))
    }

    function Get-ConnectError([scriptblock] $Connect) {
        try { & $Connect; $null } catch { $_ }
    }

    function Get-TokenRequests([psobject] $Target = $Emulator) {
        @(Get-GraphEmulatorSignIn -Emulator $Target | Where-Object endpoint -eq 'token')
    }
}

AfterAll {
    Disconnect-Entra
    foreach ($name in $SavedVariables.Keys) { [Environment]::SetEnvironmentVariable($name, $SavedVariables[$name]) }
    Stop-GraphEmulator $Emulator
    Stop-GraphEmulator $Other
}

Describe 'Connect-Entra sign-in flows' {
    BeforeEach {
        Reset-GraphEmulator -Emulator $Emulator
        Reset-GraphEmulator -Emulator $Other
        Disconnect-Entra
        Clear-FlowVariables
        $ClientId = [guid]::NewGuid().ToString()
    }

    Context 'Client secret (AppSecretCredentialParameterSet)' {
        It 'signs in with the credential''s user name as client id, and Get-EntraContext describes the app' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All | Out-Null
            Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome

            $context = Get-EntraContext
            $context.TenantId | Should -BeExactly $Tenant
            $context.ClientId | Should -BeExactly $ClientId
            $context.AuthType | Should -BeExactly 'AppOnly'
            $context.TokenCredentialType | Should -BeExactly 'ClientSecret'
            $context.TokenKind | Should -BeExactly 'AppOnly'
            $context.Roles | Should -Be @('User.RevokeSessions.All')
            $context.Environment | Should -BeExactly $Env
            $context.ExpiresOn | Should -BeGreaterThan ([DateTimeOffset]::UtcNow.AddMinutes(55))
            (Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com').Value | Should -BeTrue

            $request = @(Get-TokenRequests)
            $request.Count | Should -Be 1
            $request[0].grantType | Should -BeExactly 'client_credentials'
            $request[0].credential | Should -BeExactly 'secret'
            $request[0].tenant | Should -BeExactly $Tenant
            $request[0].scope | Should -BeExactly "$($Emulator.Url)/.default"
        }

        It 'takes -ClientId over the credential''s user name and a tenant domain as -TenantId' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All | Out-Null
            Connect-Entra -Environment $Env -TenantId 'contoso.onmicrosoft.com' -ClientId $ClientId -ClientSecretCredential (New-SecretCredential 'ignored') -NoWelcome
            (Get-EntraContext).ClientId | Should -BeExactly $ClientId
        }
    }

    Context 'Certificate (AppCertificateParameterSet)' {
        BeforeAll {
            $Certificate = New-GraphEmulatorCertificate
        }

        It 'signs a client assertion with -Certificate that the emulator verifies' {
            Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Certificate -Roles User.RevokeSessions.All | Out-Null
            Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Certificate -NoWelcome
            (Get-EntraContext).TokenCredentialType | Should -BeExactly 'ClientCertificate'
            (Revoke-EntraUserAllRefreshToken -UserId 'AlexW@contoso.com').Value | Should -BeTrue
            (Get-TokenRequests)[0].credential | Should -BeExactly 'assertion'
        }

        It 'sends the certificate chain when -SendCertificateChain is true' {
            Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Certificate -Roles User.RevokeSessions.All | Out-Null
            Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Certificate -SendCertificateChain $true -NoWelcome
            (Get-EntraContext).ClientId | Should -BeExactly $ClientId
        }

        Context 'from the CurrentUser\My store' {
            BeforeAll {
                $Stored = New-GraphEmulatorCertificate
                # The store keeps what it is given: give it the key in an exportable, persistable form.
                $Exportable = [System.Security.Cryptography.X509Certificates.X509Certificate2]::new(
                    $Stored.Export('Pfx', 'store-pass'), 'store-pass',
                    [System.Security.Cryptography.X509Certificates.X509KeyStorageFlags]'Exportable, PersistKeySet')
                $Store = [System.Security.Cryptography.X509Certificates.X509Store]::new('My', 'CurrentUser')
                $Store.Open('ReadWrite')
                $Store.Add($Exportable)
            }

            AfterAll {
                $Store.Remove($Exportable)
                $Store.Dispose()
            }

            It 'finds it by -CertificateThumbprint' {
                Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Stored -Roles User.RevokeSessions.All | Out-Null
                Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -CertificateThumbprint $Stored.Thumbprint -NoWelcome
                (Get-EntraContext).TokenCredentialType | Should -BeExactly 'ClientCertificate'
            }

            It 'finds it by -CertificateSubjectName, with or without CN=' {
                Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Stored -Roles User.RevokeSessions.All | Out-Null
                Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -CertificateSubjectName $Stored.Subject -NoWelcome
                Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -CertificateSubjectName ($Stored.Subject -replace '^CN=') -NoWelcome
                (Get-TokenRequests).Count | Should -Be 2
            }

            It 'says so when no certificate has that thumbprint' {
                $err = Get-ConnectError { Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -CertificateThumbprint ('0' * 40) -NoWelcome }
                $err.FullyQualifiedErrorId | Should -BeExactly "CertificateNotFound,$ConnectId"
                $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            }
        }

        It 'reports an expired certificate with Entra''s AADSTS700027' {
            $expired = New-GraphEmulatorCertificate -NotBefore ([DateTimeOffset]::UtcNow.AddDays(-60)) -NotAfter ([DateTimeOffset]::UtcNow.AddDays(-1))
            Register-GraphEmulatorApp -ClientId $ClientId -Certificate $expired | Out-Null
            $err = Get-ConnectError { Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $expired -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "CertificateExpired,$ConnectId"
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.Exception.AadstsCode | Should -BeExactly 'AADSTS700027'
            $err.Exception.Message | Should -Match 'The certificate has expired: AADSTS700027'
            $err.Exception.Message | Should -Match 'expired on'
            (Get-EntraContext) | Should -BeNullOrEmpty
        }

        It 'reports a certificate the app does not know as InvalidClientAssertion' {
            Register-GraphEmulatorApp -ClientId $ClientId -Certificate (New-GraphEmulatorCertificate) | Out-Null
            $err = Get-ConnectError { Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -Certificate $Certificate -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "InvalidClientAssertion,$ConnectId"
            $err.Exception.AadstsCode | Should -BeExactly 'AADSTS700027'
            $err.ErrorDetails.RecommendedAction | Should -Match 'Upload'
        }

        It 'asks for a certificate when none is given' {
            $err = Get-ConnectError { Connect-Entra -Environment $Env -ClientId $ClientId -TenantId $Tenant -SendCertificateChain $true -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "CertificateRequired,$ConnectId"
            Get-GraphEmulatorSignIn | Should -BeNullOrEmpty
        }
    }

    Context 'Managed identity (IdentityParameterSet)' {
        It 'uses the instance metadata endpoint (AZURE_POD_IDENTITY_AUTHORITY_HOST) for the system-assigned identity' {
            Register-GraphEmulatorApp -ClientId $ClientId -ManagedIdentity System -Roles User.RevokeSessions.All | Out-Null
            $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $Emulator.Url
            Connect-Entra -Environment $Env -Identity -NoWelcome
            $context = Get-EntraContext
            $context.AuthType | Should -BeExactly 'ManagedIdentity'
            $context.TokenCredentialType | Should -BeExactly 'ManagedIdentity'
            $context.ClientId | Should -BeExactly $ClientId
            (Revoke-EntraUserAllRefreshToken -UserId 'MeganB@contoso.com').Value | Should -BeTrue
            $request = @(Get-GraphEmulatorSignIn)
            $request.endpoint | Should -Be @('imds')
            $request[0].scope | Should -BeExactly $Emulator.Url
        }

        It 'asks for a user-assigned identity by -ClientId, and names one that does not exist' {
            Register-GraphEmulatorApp -ClientId $ClientId -ManagedIdentity User -Roles User.RevokeSessions.All | Out-Null
            $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = $Emulator.Url
            Connect-Entra -Environment $Env -Identity -ClientId $ClientId -NoWelcome
            (Get-EntraContext).ClientId | Should -BeExactly $ClientId

            $err = Get-ConnectError { Connect-Entra -Environment $Env -Identity -ClientId ([guid]::NewGuid()) -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "ManagedIdentityNotFound,$ConnectId"
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'uses the App Service endpoint when IDENTITY_ENDPOINT and IDENTITY_HEADER are set' {
            Register-GraphEmulatorApp -ClientId $ClientId -ManagedIdentity System -Roles User.RevokeSessions.All | Out-Null
            $env:IDENTITY_ENDPOINT = "$($Emulator.Url)/msi/token"
            $env:IDENTITY_HEADER = Get-GraphEmulatorIdentityHeader
            $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = 'http://127.0.0.1:9'
            Connect-Entra -Environment $Env -Identity -NoWelcome
            @(Get-GraphEmulatorSignIn).endpoint | Should -Be @('appService')
        }

        It 'fails fast and clearly where no managed identity endpoint answers' {
            $env:AZURE_POD_IDENTITY_AUTHORITY_HOST = 'http://127.0.0.1:9'
            $err = Get-ConnectError { Connect-Entra -Environment $Env -Identity -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "Unavailable,$ConnectId"
            $err.Exception.Message | Should -Match 'instance metadata'
        }
    }

    Context 'Environment variables (EnvironmentVariableParameterSet)' {
        BeforeAll {
            $Certificate = New-GraphEmulatorCertificate
            $PemPath = Join-Path $TestDrive 'app.pem'
            $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
            Set-Content -LiteralPath $PemPath -Value ($Certificate.ExportCertificatePem() + "`n" + $rsa.ExportPkcs8PrivateKeyPem())
            $rsa.Dispose()
            $PfxPath = Join-Path $TestDrive 'app.pfx'
            [IO.File]::WriteAllBytes($PfxPath, $Certificate.Export('Pfx', 'pfx-Passw0rd!'))
        }

        It 'signs in with AZURE_CLIENT_SECRET' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All | Out-Null
            $env:AZURE_TENANT_ID = $Tenant; $env:AZURE_CLIENT_ID = $ClientId; $env:AZURE_CLIENT_SECRET = $Secret
            Connect-Entra -Environment $Env -EnvironmentVariable -NoWelcome
            (Get-EntraContext).AuthType | Should -BeExactly 'EnvironmentVariable'
            (Get-EntraContext).TokenCredentialType | Should -BeExactly 'EnvironmentVariable'
            (Get-TokenRequests)[-1].credential | Should -BeExactly 'secret'
        }

        It 'signs in with a PEM file in AZURE_CLIENT_CERTIFICATE_PATH' {
            Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Certificate -Roles User.RevokeSessions.All | Out-Null
            $env:AZURE_TENANT_ID = $Tenant; $env:AZURE_CLIENT_ID = $ClientId; $env:AZURE_CLIENT_CERTIFICATE_PATH = $PemPath
            Connect-Entra -Environment $Env -EnvironmentVariable -NoWelcome
            (Get-EntraContext).TokenCredentialType | Should -BeExactly 'EnvironmentVariable'
            (Get-TokenRequests)[-1].credential | Should -BeExactly 'assertion'
        }

        It 'signs in with a PFX and AZURE_CLIENT_CERTIFICATE_PASSWORD' {
            Register-GraphEmulatorApp -ClientId $ClientId -Certificate $Certificate -Roles User.RevokeSessions.All | Out-Null
            $env:AZURE_TENANT_ID = $Tenant; $env:AZURE_CLIENT_ID = $ClientId
            $env:AZURE_CLIENT_CERTIFICATE_PATH = $PfxPath; $env:AZURE_CLIENT_CERTIFICATE_PASSWORD = 'pfx-Passw0rd!'
            Connect-Entra -Environment $Env -EnvironmentVariable -NoWelcome
            (Get-EntraContext).ClientId | Should -BeExactly $ClientId
        }

        It 'names the missing variables' {
            $env:AZURE_TENANT_ID = $Tenant
            $err = Get-ConnectError { Connect-Entra -Environment $Env -EnvironmentVariable -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "EnvironmentVariablesMissing,$ConnectId"
            $err.Exception.Message | Should -Match 'AZURE_CLIENT_ID'
        }
    }

    Context 'Device code (UserParameterSet)' {
        It 'shows the code, polls at the server''s interval until approved, and connects as the user' {
            $watch = [Diagnostics.Stopwatch]::StartNew()
            Connect-Entra -Environment $Env -Scopes 'User.RevokeSessions.All', 'User.Read' -UseDeviceCode -NoWelcome -WarningVariable shown -WarningAction SilentlyContinue
            $watch.Elapsed.TotalSeconds | Should -BeGreaterOrEqual 2.5 -Because 'two pending polls and the approval, one second apart'
            "$shown" | Should -Match 'https://microsoft.com/devicelogin'
            "$shown" | Should -Match 'enter the code [A-Z]{4}-[A-Z]{4}'

            $context = Get-EntraContext
            $context.AuthType | Should -BeExactly 'Delegated'
            $context.TokenCredentialType | Should -BeExactly 'DeviceCode'
            $context.TokenKind | Should -BeExactly 'Delegated'
            $context.Account | Should -BeExactly 'AdeleV@contoso.com'
            $context.Scopes | Should -Be @('User.RevokeSessions.All', 'User.Read')
            $context.ClientId | Should -BeExactly '14d82eec-204b-4c2f-b7e8-296a70dab67e'

            $requests = @(Get-GraphEmulatorSignIn)
            $requests[0].endpoint | Should -BeExactly 'devicecode'
            $requests[0].tenant | Should -BeExactly 'organizations'
            $requests[0].scope | Should -BeExactly "$($Emulator.Url)/User.RevokeSessions.All $($Emulator.Url)/User.Read offline_access"
            $polls = @($requests | Where-Object endpoint -eq 'token')
            @($polls.status) | Should -Be @(400, 400, 200)
            @($polls.error | Where-Object { $_ }) | Should -Be @('authorization_pending', 'authorization_pending')
            @($polls | Where-Object error -eq 'slow_down') | Should -BeNullOrEmpty -Because 'the client never polls faster than told'
        }

        It 'signs in without -UseDeviceCode too, with -ClientId and -TenantId' {
            Register-GraphEmulatorApp -ClientId $ClientId -PublicClient -DeviceCode @{ pendingPolls = 0; user = 'AlexW@contoso.com' } | Out-Null
            Connect-Entra -Environment $Env -ClientId $ClientId -TenantId 'contoso.com' -NoWelcome -WarningAction SilentlyContinue
            (Get-EntraContext).Account | Should -BeExactly 'AlexW@contoso.com'
        }

        It 'stops polling at Ctrl+C and leaves no connection' {
            Register-GraphEmulatorApp -ClientId $ClientId -DeviceCode @{ pendingPolls = 1000 } | Out-Null
            $shell = [powershell]::Create()
            try {
                $null = $shell.AddScript({
                        param($Manifest, $Environment, $Client)
                        Import-Module $Manifest
                        Connect-Entra -Environment $Environment -ClientId $Client -UseDeviceCode -NoWelcome -WarningAction SilentlyContinue
                    }).AddArgument($ManifestPath).AddArgument($Env).AddArgument($ClientId)
                $async = $shell.BeginInvoke()
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while (@(Get-TokenRequests).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
                @(Get-TokenRequests).Count | Should -BeGreaterOrEqual 1 -Because 'the flow is polling'
                $shell.Stop()
                $async.IsCompleted | Should -BeTrue
                # Polling stopped: no token request after Stop (the interval is one second).
                $polled = @(Get-TokenRequests).Count
                Start-Sleep -Milliseconds 2500
                @(Get-TokenRequests).Count | Should -Be $polled
            }
            finally { $shell.Dispose() }
            Get-EntraContext | Should -BeNullOrEmpty
            $polls = @(Get-TokenRequests).Count
            Start-Sleep -Milliseconds 1500
            @(Get-TokenRequests).Count | Should -Be $polls -Because 'no poll after Ctrl+C'
        }

        It 'reports a declined sign-in' {
            Register-GraphEmulatorApp -ClientId $ClientId -DeviceCode @{ pendingPolls = 0; outcome = 'decline' } | Out-Null
            $err = Get-ConnectError { Connect-Entra -Environment $Env -ClientId $ClientId -UseDeviceCode -NoWelcome -WarningAction SilentlyContinue }
            $err.FullyQualifiedErrorId | Should -BeExactly "AuthorizationDeclined,$ConnectId"
            $err.Exception.Error | Should -BeExactly 'authorization_declined'
        }
    }

    Context 'Access token (AccessTokenParameterSet)' {
        It 'still connects with a token obtained elsewhere' {
            Connect-Entra -Environment $Env -AccessToken (ConvertTo-SecureString $Emulator.Token -AsPlainText -Force) -NoWelcome
            (Get-EntraContext).AuthType | Should -BeExactly 'UserProvidedAccessToken'
            (Revoke-EntraUserAllRefreshToken -UserId 'LeeG@contoso.com').Value | Should -BeTrue
            Get-GraphEmulatorSignIn | Should -BeNullOrEmpty
        }
    }

    Context 'Errors from the identity platform' {
        It 'reports a wrong secret with AADSTS7000215 and its trace ids' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret | Out-Null
            $err = Get-ConnectError { Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId 'wrong-secret') -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "InvalidClientSecret,$ConnectId"
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.Exception.Message | Should -Match '^Connect-Entra failed: The client secret is wrong: AADSTS7000215: Invalid client secret provided'
            $err.Exception.AadstsCode | Should -BeExactly 'AADSTS7000215'
            $err.Exception.TraceId | Should -Not -BeNullOrEmpty
            $err.Exception.CorrelationId | Should -Not -BeNullOrEmpty
            $err.Exception.HttpStatus | Should -Be 401
            "$err $($err.ErrorDetails)" | Should -Not -Match 'wrong-secret'
            Get-EntraContext | Should -BeNullOrEmpty
        }

        It 'reports an unknown tenant with AADSTS90002' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret | Out-Null
            $err = Get-ConnectError { Connect-Entra -Environment $Env -TenantId 'fabrikam.onmicrosoft.com' -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "UnknownTenant,$ConnectId"
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.Exception.AadstsCode | Should -BeExactly 'AADSTS90002'
            $err.ErrorDetails.RecommendedAction | Should -Match '-Environment'
        }

        It 'reports an unknown application with AADSTS700016' {
            $err = Get-ConnectError { Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "UnknownClient,$ConnectId"
            $err.Exception.AadstsCode | Should -BeExactly 'AADSTS700016'
        }

        It 'needs -TenantId for app-only sign-in and sends nothing without it' {
            $err = Get-ConnectError { Connect-Entra -Environment $Env -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome }
            $err.FullyQualifiedErrorId | Should -BeExactly "InvalidCredential,$ConnectId"
            $err.Exception.Message | Should -Match 'tenant id is required'
            Get-GraphEmulatorSignIn | Should -BeNullOrEmpty
        }

        It 'gives PermissionDenied naming User.RevokeSessions.All when the app lacks the role (403)' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.Read.All | Out-Null
            Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
            $errors = $null
            Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' -ErrorAction SilentlyContinue -ErrorVariable errors | Should -BeNullOrEmpty
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "PermissionDenied,$RevokeId"
            $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
            $errors[0].ErrorDetails.RecommendedAction | Should -Match 'User\.RevokeSessions\.All'
            $errors[0].Exception.HttpStatus | Should -Be 403
        }
    }

    Context 'Clouds' {
        It 'sends the sign-in and every request to the connected environment only' {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All -Emulator $Emulator | Out-Null
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All -Emulator $Other | Out-Null
            Connect-Entra -Environment $OtherEnv -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
            Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' | Out-Null

            @(Get-TokenRequests $Other)[0].scope | Should -BeExactly "$($Other.Url)/.default"
            @(Get-GraphEmulatorRequest -Emulator $Other).path | Should -Contain '/v1.0/users/AdeleV@contoso.com/revokeSignInSessions'
            Get-GraphEmulatorSignIn -Emulator $Emulator | Should -BeNullOrEmpty
            Get-GraphEmulatorRequest -Emulator $Emulator | Should -BeNullOrEmpty
        }

        It 'refuses plain http for a sign-in endpoint that is not loopback' {
            { Add-EntraEnvironment -Name 'InsecureCloud' -GraphEndpoint 'https://graph.contoso.example' -AzureADEndpoint 'http://login.contoso.example' -ErrorAction Stop } |
                Should -Throw -ErrorId 'InvalidEndpoint,Microsoft.Graph.Entra.Rs.Cmdlets.AddEntraEnvironmentCommand'
        }
    }

    Context 'Proxies' {
        # The other emulator plays the proxy: it answers absolute-form requests for the first
        # emulator's URL as if they were its own, so whatever reaches it went through the proxy.
        BeforeEach {
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All -Emulator $Emulator | Out-Null
            Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All -Emulator $Other | Out-Null
        }

        It 'honours HTTP_PROXY for the sign-in and Graph' {
            $env:HTTP_PROXY = $Other.Url
            Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
            Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' | Out-Null
            @(Get-TokenRequests $Other).Count | Should -Be 1
            @(Get-GraphEmulatorRequest -Emulator $Other).Count | Should -Be 1
            Get-GraphEmulatorSignIn -Emulator $Emulator | Should -BeNullOrEmpty
            Get-GraphEmulatorRequest -Emulator $Emulator | Should -BeNullOrEmpty
        }

        It 'goes direct for hosts in NO_PROXY' {
            $env:HTTP_PROXY = $Other.Url
            $env:NO_PROXY = '127.0.0.1'
            Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
            @(Get-TokenRequests $Emulator).Count | Should -Be 1
            Get-GraphEmulatorSignIn -Emulator $Other | Should -BeNullOrEmpty
        }

        It 'lets -Proxy override the environment variables' {
            $env:HTTP_PROXY = 'http://127.0.0.1:9'
            $env:NO_PROXY = '127.0.0.1'
            Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -Proxy $Other.Url -NoWelcome
            Revoke-EntraUserAllRefreshToken -UserId 'AdeleV@contoso.com' | Out-Null
            @(Get-TokenRequests $Other).Count | Should -Be 1
            @(Get-GraphEmulatorRequest -Emulator $Other).Count | Should -Be 1
        }
    }
}

Describe 'Token lifetime in bulk runs' {
    BeforeEach {
        Reset-GraphEmulator -Emulator $Emulator
        Disconnect-Entra
        Clear-FlowVariables
        $ClientId = [guid]::NewGuid().ToString()
        $Users = 1..3000 | ForEach-Object { 'user{0:D6}@contoso.com' -f $_ }
    }

    It 'renews short-lived tokens ahead of expiry: 3,000 users, each revoked exactly once, no 401' {
        Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All -TokenLifetimeSeconds 1 | Out-Null
        Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
        Set-GraphEmulatorFault @{ latencyMs = 10 } | Out-Null
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $results = @($Users | Revoke-EntraUserAllRefreshToken -ThrottleLimit 16 -ErrorAction SilentlyContinue -ErrorVariable failed)
        $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 1.5 -Because 'the run must outlive several one-second tokens'

        $failed | Should -BeNullOrEmpty
        $results.Count | Should -Be 3000
        @($results.UserId | Sort-Object -Unique).Count | Should -Be 3000
        $stats = Get-GraphEmulatorStat
        $stats.revokedUsers | Should -Be 3000
        $stats.totalRevocations | Should -Be 3000 -Because 'no user is revoked twice'
        $stats.byStatus.PSObject.Properties.Name | Should -Not -Contain '401'
        @(Get-TokenRequests).Count | Should -BeGreaterOrEqual 3
    }

    It 'survives tokens revoked mid-run: one renewal for all workers, every user once' {
        Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All | Out-Null
        Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
        $index = 0
        $results = @($Users | ForEach-Object {
                if (++$index -eq 1500) { Invoke-GraphEmulatorTokenExpiry -ClientId $ClientId | Out-Null }
                $_
            } | Revoke-EntraUserAllRefreshToken -ThrottleLimit 32 -ErrorAction SilentlyContinue -ErrorVariable failed)

        $failed | Should -BeNullOrEmpty
        $results.Count | Should -Be 3000
        $stats = Get-GraphEmulatorStat
        $stats.totalRevocations | Should -Be 3000
        $stats.revokedUsers | Should -Be 3000
        [int]$stats.byStatus.'401' | Should -BeGreaterThan 0 -Because 'the expiry really hit requests in flight'
        @(Get-TokenRequests).Count | Should -Be 2 -Because 'the sign-in, then one renewal shared by the 32 workers'
    }

    It 'waits out an identity platform outage when the token has expired: every user revoked, none failed' {
        Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All | Out-Null
        Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
        # The token expires and Entra answers 503 for 6 s: longer than one renewal's own three
        # attempts (~3 s), so the users must wait for the platform rather than fail.
        Invoke-GraphEmulatorTokenExpiry -ClientId $ClientId | Out-Null
        Start-GraphEmulatorIdentityOutage -Seconds 6
        $results = @($Users | Select-Object -First 200 | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable failed)

        $failed | Should -BeNullOrEmpty
        $results.Count | Should -Be 200
        (Get-GraphEmulatorStat).revokedUsers | Should -Be 200
        $outageAnswers = @(Get-TokenRequests | Where-Object status -eq 503)
        $outageAnswers.Count | Should -BeGreaterThan 0 -Because 'the outage was met'
        $outageAnswers.Count | Should -BeLessOrEqual 6 -Because 'one renewal at a time asks the platform, not one per user'
    }

    It 'gives up after one renewal when Graph keeps rejecting tokens: AuthenticationFailed per user, no storm' {
        Register-GraphEmulatorApp -ClientId $ClientId -Secret $Secret -Roles User.RevokeSessions.All -RejectIssuedTokens | Out-Null
        Connect-Entra -Environment $Env -TenantId $Tenant -ClientSecretCredential (New-SecretCredential $ClientId) -NoWelcome
        $errors = $null
        $results = @($Users | Select-Object -First 50 | Revoke-EntraUserAllRefreshToken -ErrorAction SilentlyContinue -ErrorVariable errors)
        $results | Should -BeNullOrEmpty
        $errors.Count | Should -Be 50
        @($errors.FullyQualifiedErrorId | Sort-Object -Unique) | Should -Be @("AuthenticationFailed,$RevokeId")
        @($errors.CategoryInfo.Category | Sort-Object -Unique) | Should -Be @('AuthenticationError')
        @(Get-TokenRequests).Count | Should -Be 2 -Because 'one renewal, not one per user'
        (Get-GraphEmulatorStat).totalRequests | Should -BeLessOrEqual 100 -Because 'each user is tried at most twice'
    }
}
