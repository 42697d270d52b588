# Get-EntraUser against graph-emulator: what it reads, how it pages (-Top across pages, -All),
# how many times it retries a page (-MaxRetry, counted in the emulator's stats), and the error id
# and category each kind of failure becomes (driven through the emulator's fault knobs and
# tokens; the mapping is GraphErrorRecords.Classify, shared with the revoke cmdlets).

BeforeAll {
    . (Join-Path $PSScriptRoot 'Support/TestSetup.ps1')
    Import-Module (Join-Path $PSScriptRoot 'Support/EmulatorHarness.psm1') -Force

    $CommandId = 'Microsoft.Graph.Entra.Rs.Cmdlets.GetEntraUserCommand'
    $EnvironmentName = 'GetUserTestsEmulator'
    $Adele = @{ Upn = 'AdeleV@contoso.com'; Id = '87d349ed-44d7-43e1-9a83-5f2406dee5bd' }
    # 1,100 generated users beside the seeded ones: more than Graph's largest page (999), so
    # -All and a large -Top span two pages.
    $Emulator = Start-GraphEmulator -Users 1100

    function Get-UserErrors([hashtable] $Parameters) {
        # Runs Get-EntraUser and answers its output and error records.
        $errors = $null
        $users = @(Get-EntraUser @Parameters -ErrorAction SilentlyContinue -ErrorVariable errors)
        [pscustomobject]@{ Users = $users; Errors = @($errors) }
    }

    function Get-UserRequestCount {
        # Graph requests for /users since the last reset (the control API is not counted).
        @(Get-GraphEmulatorRequest | Where-Object { $_.path -like '/v1.0/users*' }).Count
    }
}

AfterAll {
    Disconnect-Entra
    Stop-GraphEmulator $Emulator
}

Describe 'Get-EntraUser' {
    BeforeEach {
        Reset-GraphEmulator
        Connect-GraphEmulator -Name $EnvironmentName
    }

    Context 'Reading and paging' {
        It 'reads one user by userPrincipalName with the default properties and ObjectId' {
            $user = Get-EntraUser -UserId $Adele.Upn
            $user.Id | Should -BeExactly $Adele.Id
            $user.ObjectId | Should -BeExactly $Adele.Id
            $user.UserPrincipalName | Should -BeExactly $Adele.Upn
            $select = @(Get-GraphEmulatorRequest)[0].rawPath
            foreach ($property in [Microsoft.Graph.Entra.Rs.Native.NativeContract]::DefaultUserProperties) {
                $select | Should -Match ([regex]::Escape($property)) -Because 'the default $select is the native contract''s list'
            }
        }

        It 'returns exactly -Top users when they span two pages, and asks for no third' {
            $users = @(Get-EntraUser -Top 1050)
            $users | Should -HaveCount 1050
            @($users.Id | Select-Object -Unique) | Should -HaveCount 1050
            $requests = @(Get-GraphEmulatorRequest)
            $requests | Should -HaveCount 2
            $requests[0].rawPath | Should -Match '%24top=999|\$top=999'
        }

        It 'follows every page to the end with -All, each user once' {
            $users = @(Get-EntraUser -All)
            $users.Count | Should -BeGreaterOrEqual 1104
            @($users.Id | Select-Object -Unique).Count | Should -Be $users.Count
            @(Get-GraphEmulatorRequest) | Should -HaveCount 2
        }
    }

    Context '-MaxRetry' {
        It 'sends a failing page 1 + -MaxRetry times, then reports it (-MaxRetry <Retries>)' -TestCases @(
            @{ Retries = 0 }, @{ Retries = 2 }
        ) {
            Set-GraphEmulatorFault @{ rate503 = 1.0; retryAfter503 = '0' } | Out-Null
            $run = Get-UserErrors @{ Top = 5; MaxRetry = $Retries }
            $run.Users | Should -BeNullOrEmpty
            $run.Errors | Should -HaveCount 1
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$CommandId"
            (Get-GraphEmulatorStat).totalRequests | Should -Be (1 + $Retries)
        }

        It 'has the revoke cmdlets'' range and default for -MaxRetry' {
            $own = (Get-Command Get-EntraUser).Parameters['MaxRetry'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
            $revoke = (Get-Command Revoke-EntraUserAllRefreshToken).Parameters['MaxRetry'].Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateRangeAttribute] }
            "$($own.MinRange)..$($own.MaxRange)" | Should -Be "$($revoke.MinRange)..$($revoke.MaxRange)"
            { Get-EntraUser -Top 1 -MaxRetry ($own.MaxRange + 1) } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Microsoft.Graph.Entra.Rs.Cmdlets.GetEntraUserCommand'
        }
    }

    Context 'Failures: each kind has its error id and category' {
        It 'refuses a -Property that is not a property name as InvalidUserId (InvalidArgument), sending nothing' {
            $run = Get-UserErrors @{ UserId = $Adele.Upn; Property = 'displayName,mail' }
            $run.Errors | Should -HaveCount 1
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidUserId,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-UserRequestCount | Should -Be 0
        }

        It 'refuses an identifier that is not one as InvalidUserId (InvalidArgument), sending nothing' {
            $run = Get-UserErrors @{ UserId = '../me' }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "InvalidUserId,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            Get-UserRequestCount | Should -Be 0
        }

        It 'reports a filter Graph does not support as BadRequest (InvalidOperation)' {
            $run = Get-UserErrors @{ Filter = "endswith(mail,'contoso.com')" }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "BadRequest,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'InvalidOperation'
            $run.Errors[0].Exception.HttpStatus | Should -Be 400
        }

        It 'reports an unknown user as UserNotFound (ObjectNotFound)' {
            $run = Get-UserErrors @{ UserId = 'nobody@contoso.com' }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "UserNotFound,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $run.Errors[0].TargetObject | Should -BeExactly 'nobody@contoso.com'
        }

        It 'reports a token Graph does not accept as AuthenticationFailed (AuthenticationError)' {
            Connect-GraphEmulator -Name $EnvironmentName -Token 'get-user-tests-unknown-token'
            $run = Get-UserErrors @{ UserId = $Adele.Upn }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "AuthenticationFailed,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        }

        It 'reports a token without a read permission as PermissionDenied (PermissionDenied)' {
            Add-GraphEmulatorToken -Token 'get-user-tests-revoke-only' -Roles 'User.RevokeSessions.All' | Out-Null
            Connect-GraphEmulator -Name $EnvironmentName -Token 'get-user-tests-revoke-only'
            $run = Get-UserErrors @{ UserId = $Adele.Upn }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "PermissionDenied,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        }

        It 'reports throttling that outlasts -MaxRetry as Throttled (LimitsExceeded)' {
            Set-GraphEmulatorFault @{ rate429 = 1.0; retryAfter429 = '0' } | Out-Null
            $run = Get-UserErrors @{ Top = 5; MaxRetry = 1 }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "Throttled,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
            (Get-GraphEmulatorStat).totalRequests | Should -Be 2
        }

        It 'reports a 503 that outlasts -MaxRetry as GraphUnavailable (ResourceUnavailable)' {
            Set-GraphEmulatorFault @{ rate503 = 1.0; retryAfter503 = '0' } | Out-Null
            $run = Get-UserErrors @{ Top = 5; MaxRetry = 0 }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "GraphUnavailable,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'ResourceUnavailable'
        }

        It 'reports an answer of no known kind (a redirect it does not follow) as GraphError (NotSpecified)' {
            Set-GraphEmulatorFault @{ redirectTo = 'https://elsewhere.example' } | Out-Null
            $run = Get-UserErrors @{ UserId = $Adele.Upn }
            $run.Errors[0].FullyQualifiedErrorId | Should -BeExactly "GraphError,$CommandId"
            $run.Errors[0].CategoryInfo.Category | Should -Be 'NotSpecified'
            $run.Errors[0].Exception.HttpStatus | Should -Be 307
        }

        It 'stops with NotConnected (AuthenticationError) before Connect-Entra, sending nothing' {
            Disconnect-Entra
            { Get-EntraUser -UserId $Adele.Upn } | Should -Throw -ErrorId "NotConnected,$CommandId"
            Get-UserRequestCount | Should -Be 0
        }
    }
}
