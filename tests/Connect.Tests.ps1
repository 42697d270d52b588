# Connect-Entra, Get-EntraContext and Disconnect-Entra: which cloud a connection talks to, what
# Get-EntraContext reveals about the token (claims, never the token), and how a bad token,
# endpoint or network setting is reported. The connection is process-wide, so each test
# connects as it needs and the file disconnects at the end.

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $ConnectId = 'Microsoft.Graph.Entra.Rs.Cmdlets.ConnectEntraCommand'
    $RevokeId = 'Microsoft.Graph.Entra.Rs.Cmdlets.RevokeEntraUserAllRefreshTokenCommand'
    $EnvironmentName = 'ConnectTestsEmulator'
    $Adele = 'AdeleV@contoso.com'
    $AdeleId = '87d349ed-44d7-43e1-9a83-5f2406dee5bd'

    # A second emulator for the reconnection test, started first: the harness' control
    # helpers default to the emulator started last.
    $SecondEmulator = Start-GraphEmulator
    $Emulator = Start-GraphEmulator

    function ConvertTo-Base64Url([string] $Json) {
        [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Json)).TrimEnd('=').Replace('+', '-').Replace('/', '_')
    }

    function New-TestJwt([hashtable] $Claims) {
        # A JWT-shaped token: header.payload.signature, base64url without padding. Nobody
        # checks the signature (the emulator matches registered tokens as strings).
        $header = ConvertTo-Base64Url '{"alg":"RS256","typ":"JWT","kid":"test"}'
        $payload = ConvertTo-Base64Url ($Claims | ConvertTo-Json -Compress)
        $signature = ConvertTo-Base64Url ([guid]::NewGuid().ToString('N'))
        "$header.$payload.$signature"
    }

    function Get-RevokeError([string] $UserId, [int] $MaxRetry = 10) {
        $errors = $null
        Revoke-EntraUserAllRefreshToken -UserId $UserId -MaxRetry $MaxRetry -ErrorAction SilentlyContinue -ErrorVariable errors | Out-Null
        @($errors)
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
    Stop-GraphEmulator $SecondEmulator
}

Describe 'Connect-Entra' {
    BeforeEach {
        Reset-GraphEmulator
        Disconnect-Entra
    }

    Context 'Environments' {
        It 'knows the built-in cloud <Name> at <Graph>' -TestCases @(
            @{ Name = 'Global'; Graph = 'https://graph.microsoft.com' }
            @{ Name = 'USGov'; Graph = 'https://graph.microsoft.us' }
            @{ Name = 'USGovDoD'; Graph = 'https://dod-graph.microsoft.us' }
            @{ Name = 'China'; Graph = 'https://microsoftgraph.chinacloudapi.cn' }
        ) {
            (Get-EntraEnvironment -Name $Name).GraphEndpoint | Should -BeExactly $Graph
        }

        It 'connects to the Global cloud by default' {
            Connect-Entra -AccessToken (ConvertTo-SecureString 'any-token' -AsPlainText -Force) -NoWelcome
            $context = Get-EntraContext
            $context.Environment | Should -BeExactly 'Global'
            $context.GraphEndpoint | Should -BeExactly 'https://graph.microsoft.com'
        }

        It 'fails with EnvironmentNotFound for an unknown environment and keeps the current connection' {
            Connect-GraphEmulator -Name $EnvironmentName
            { Connect-Entra -Environment 'ConnectTestsNoSuchCloud' -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -NoWelcome } |
                Should -Throw -ErrorId "EnvironmentNotFound,$ConnectId"
            (Get-EntraContext).Environment | Should -BeExactly $EnvironmentName
            (Revoke-EntraUserAllRefreshToken -UserId $Adele).Value | Should -BeTrue
        }

        It 'cannot reach an http endpoint that is not loopback: Add-EntraEnvironment refuses it' {
            $errors = $null
            Add-EntraEnvironment -Name 'ConnectTestsPlainHttp' -GraphEndpoint 'http://graph.example.com' -AzureADEndpoint 'https://login.example.com' `
                -ErrorAction SilentlyContinue -ErrorVariable errors | Out-Null
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeLike 'InvalidEndpoint,*'
            { Connect-Entra -Environment 'ConnectTestsPlainHttp' -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -NoWelcome } |
                Should -Throw -ErrorId "EnvironmentNotFound,$ConnectId"
            Get-EntraContext | Should -BeNullOrEmpty
        }

        It 'sends requests to the connected environment and follows a reconnection to another one' {
            Reset-GraphEmulator -Emulator $SecondEmulator
            Connect-GraphEmulator -Name $EnvironmentName -Emulator $Emulator
            Revoke-EntraUserAllRefreshToken -UserId $Adele | Out-Null
            Connect-GraphEmulator -Name 'ConnectTestsSecondEmulator' -Emulator $SecondEmulator
            (Get-EntraContext).GraphEndpoint | Should -BeExactly $SecondEmulator.Url
            Revoke-EntraUserAllRefreshToken -UserId $Adele | Out-Null
            @(Get-GraphEmulatorRequest -Emulator $Emulator) | Should -HaveCount 1
            @(Get-GraphEmulatorRequest -Emulator $SecondEmulator) | Should -HaveCount 1
        }
    }

    Context 'Get-EntraContext and Disconnect-Entra' {
        It 'shows the environment and Graph endpoint after Connect-Entra' {
            Connect-GraphEmulator -Name $EnvironmentName
            $context = Get-EntraContext
            $context | Should -HaveCount 1
            $context.Environment | Should -BeExactly $EnvironmentName
            $context.GraphEndpoint | Should -BeExactly $Emulator.Url
            $context.AuthType | Should -BeExactly 'UserProvidedAccessToken'
            $context.TokenCredentialType | Should -BeExactly 'UserProvidedAccessToken'
            $context.TokenKind | Should -BeExactly 'Opaque'
            $context.TenantId | Should -BeNullOrEmpty
        }

        It 'shows nothing after Disconnect-Entra, and revoking then needs Connect-Entra again' {
            Connect-GraphEmulator -Name $EnvironmentName
            Disconnect-Entra
            Get-EntraContext | Should -BeNullOrEmpty
            { Revoke-EntraUserAllRefreshToken -UserId $Adele } | Should -Throw -ErrorId "NotConnected,$RevokeId"
            @(Get-GraphEmulatorRequest) | Should -HaveCount 0
        }

        It 'does not fail when disconnecting without a connection' {
            { Disconnect-Entra; Disconnect-Entra } | Should -Not -Throw
        }

        It 'reads TenantId, ClientId, Roles and ExpiresOn from an app-only JWT, and that token revokes' {
            $expires = [DateTimeOffset]::FromUnixTimeSeconds([DateTimeOffset]::UtcNow.AddHours(1).ToUnixTimeSeconds())
            $tenant = [guid]::NewGuid().ToString()
            $client = [guid]::NewGuid().ToString()
            $token = New-TestJwt @{
                aud = 'https://graph.microsoft.com'; tid = $tenant; appid = $client; idtyp = 'app'
                roles = @('User.RevokeSessions.All', 'User.Read.All'); exp = $expires.ToUnixTimeSeconds()
            }
            Add-GraphEmulatorToken -Token $token -Roles 'User.RevokeSessions.All', 'User.Read.All' -ExpiresAt $expires | Out-Null
            Connect-GraphEmulator -Name $EnvironmentName -Token $token

            $context = Get-EntraContext
            $context.TenantId | Should -BeExactly $tenant
            $context.ClientId | Should -BeExactly $client
            $context.Roles | Should -Be @('User.RevokeSessions.All', 'User.Read.All')
            $context.ExpiresOn | Should -Be $expires
            $context.TokenKind | Should -BeExactly 'AppOnly'
            $context.Scopes | Should -BeNullOrEmpty

            $result = Revoke-EntraUserAllRefreshToken -UserId $Adele
            $result.Value | Should -BeTrue
            (Get-GraphEmulatorRequest).headers.authorization | Should -BeExactly "Bearer $token"
            (Get-GraphEmulatorUserState -UserId $AdeleId).revocations | Should -Be 1
        }

        It 'reads Account and Scopes from a delegated JWT' {
            $token = New-TestJwt @{ tid = 'contoso-tenant'; appid = 'client-app'; upn = 'admin@contoso.com'; scp = 'User.RevokeSessions.All User.Read'; exp = 1900000000 }
            Connect-GraphEmulator -Name $EnvironmentName -Token $token
            $context = Get-EntraContext
            $context.TokenKind | Should -BeExactly 'Delegated'
            $context.Account | Should -BeExactly 'admin@contoso.com'
            $context.Scopes | Should -Be @('User.RevokeSessions.All', 'User.Read')
            $context.ExpiresOn | Should -Be ([DateTimeOffset]::FromUnixTimeSeconds(1900000000))
        }
    }

    Context 'Tokens and network settings' {
        It 'refuses <Why> as InvalidAccessToken and keeps no connection' -TestCases @(
            @{ Why = 'an empty token'; Make = { [securestring]::new() } }
            @{ Why = 'a token with a line break (header injection)'; Make = { ConvertTo-SecureString "abc`r`nX-Injected: 1" -AsPlainText -Force } }
        ) {
            { Connect-Entra -Environment Global -AccessToken (& $Make) -NoWelcome } | Should -Throw -ErrorId "InvalidAccessToken,$ConnectId"
            Get-EntraContext | Should -BeNullOrEmpty
        }

        It 'reports a token Graph rejects as expired as AuthenticationError' {
            Add-GraphEmulatorToken -Token 'connect-tests-expired' -Roles 'User.RevokeSessions.All' -ExpiresAt ([DateTimeOffset]::UtcNow.AddHours(-1)) | Out-Null
            Connect-GraphEmulator -Name $EnvironmentName -Token 'connect-tests-expired'
            $errors = Get-RevokeError $Adele
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "AuthenticationFailed,$RevokeId"
            $errors[0].Exception.Message | Should -BeLike '*expired*'
            (Get-GraphEmulatorUserState -UserId $AdeleId).revocations | Should -Be 0
        }

        It 'gives up on a request slower than -ClientTimeout as GraphUnavailable' {
            Add-EntraEnvironment -Name $EnvironmentName -GraphEndpoint $Emulator.Url -AzureADEndpoint $Emulator.Url | Out-Null
            Connect-Entra -Environment $EnvironmentName -AccessToken (ConvertTo-SecureString $Emulator.Token -AsPlainText -Force) -ClientTimeout 1 -NoWelcome
            Set-GraphEmulatorFault @{ latencyMs = 3000 } | Out-Null
            $errors = Get-RevokeError $Adele -MaxRetry 0
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$RevokeId"
            $errors[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
            $errors[0].Exception.Message | Should -BeLike '*timed out*'
        }

        It 'sends requests through -Proxy (a proxy that refuses connections makes Graph unreachable)' {
            Add-EntraEnvironment -Name $EnvironmentName -GraphEndpoint $Emulator.Url -AzureADEndpoint $Emulator.Url | Out-Null
            # A loopback port nobody listens on (taken, then released): connections are refused.
            $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
            $listener.Start()
            $port = $listener.LocalEndpoint.Port
            $listener.Stop()
            Connect-Entra -Environment $EnvironmentName -AccessToken (ConvertTo-SecureString $Emulator.Token -AsPlainText -Force) -Proxy "http://127.0.0.1:$port" -NoWelcome
            $errors = Get-RevokeError $Adele -MaxRetry 0
            $errors | Should -HaveCount 1
            $errors[0].FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$RevokeId"
            @(Get-GraphEmulatorRequest) | Should -HaveCount 0
        }
    }
}
