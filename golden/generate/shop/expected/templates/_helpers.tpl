
{{/*
Expand the name of the chart.
*/}}
{{- define "shop.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
A name cut to a length limit without losing what tells it apart: a name that fits is kept; a
longer one keeps its first (limit - 9) characters and ends in "-" and the first 8 hex digits
of the whole name's sha256, so two names cut never come out the same.
Usage: include "shop.truncName" (list "a-long-name" 63)
*/}}
{{- define "shop.truncName" -}}
{{- $name := index . 0 }}
{{- $max := int (index . 1) }}
{{- if le (len $name) $max }}
{{- $name }}
{{- else }}
{{- printf "%s-%s" (trunc (int (sub $max 9)) $name | trimSuffix "-") (sha256sum $name | trunc 8) }}
{{- end }}
{{- end }}

{{/*
Create a default fully qualified app name.
Kubernetes names are limited to 63 characters (cut with truncName); a release name that
already contains the chart name is used as is.
*/}}
{{- define "shop.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- include "shop.truncName" (list .Values.fullnameOverride 63) }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- include "shop.truncName" (list .Release.Name 63) }}
{{- else }}
{{- include "shop.truncName" (list (printf "%s-%s" .Release.Name $name) 63) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of an object whose input name did not start with the chart name: kept as written when
the release is named after the chart (so objects that already run are adopted), prefixed
with the fullname otherwise (so two releases never collide), cut with truncName to the
kind's limit: 253 unless given (63 for Services and Jobs, 52 for StatefulSets and CronJobs).
Usage: include "shop.componentName" (list . "redis" 63)
*/}}
{{- define "shop.componentName" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $max := 253 }}
{{- if gt (len .) 2 }}
{{- $max = index . 2 }}
{{- end }}
{{- $fullname := include "shop.fullname" $root }}
{{- if eq $fullname $root.Chart.Name }}
{{- $name }}
{{- else }}
{{- include "shop.truncName" (list (printf "%s-%s" $fullname $name) $max) }}
{{- end }}
{{- end }}

{{/*
Chart name and version, as used by the chart label.
*/}}
{{- define "shop.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "shop.labels" -}}
helm.sh/chart: {{ include "shop.chart" . }}
{{ include "shop.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shop.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Namespace of the objects that render into the release namespace: namespaceOverride when set.
*/}}
{{- define "shop.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
An image repository under global.imageRegistry: the registry replaces the repository's own
(its first part when that has a dot or a colon, or is localhost) and is put in front of a
repository that has none (docker.io's short names).
Usage: include "shop.imageRepository" (list $ .Values.image.repository)
*/}}
{{- define "shop.imageRepository" -}}
{{- $root := index . 0 }}
{{- $repo := index . 1 }}
{{- $registry := dig "imageRegistry" "" (default (dict) $root.Values.global) }}
{{- if $registry }}
{{- $parts := splitList "/" $repo }}
{{- $first := first $parts }}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) }}
{{- $repo = rest $parts | join "/" }}
{{- end }}
{{- printf "%s/%s" (trimSuffix "/" $registry) $repo }}
{{- else }}
{{- $repo }}
{{- end }}
{{- end }}


{{/*
Checks on the values that hold even with --skip-schema-validation. templates/validate.yaml
runs them on every render, so a render fails with a message that names the key and the fix.
*/}}
{{- define "shop.validateValues" -}}
{{- if not .Values.backend.image.repository }}
{{- fail "backend.image.repository: set the container image repository" }}
{{- end }}
{{- if not .Values.backend.sidecars.metrics.image.repository }}
{{- fail "backend.sidecars.metrics.image.repository: set the container image repository" }}
{{- end }}
{{- if not .Values.backend.initContainers.migrate.image.repository }}
{{- fail "backend.initContainers.migrate.image.repository: set the container image repository" }}
{{- end }}
{{- if and .Values.backend.service.externalTrafficPolicy (not (has (toString .Values.backend.service.type) (list "NodePort" "LoadBalancer"))) }}
{{- fail "backend.service.externalTrafficPolicy: Kubernetes takes it only for NodePort and LoadBalancer Services; set backend.service.type to one of them or empty it" }}
{{- end }}
{{- if and .Values.backend.service.loadBalancerSourceRanges (ne (toString .Values.backend.service.type) "LoadBalancer") }}
{{- fail "backend.service.loadBalancerSourceRanges: Kubernetes takes them only for LoadBalancer Services; set backend.service.type to LoadBalancer or empty them" }}
{{- end }}
{{- if and .Values.secrets.existingSecret .Values.secrets.url }}
{{- fail "secrets: set either existingSecret or the secret values, not both" }}
{{- end }}
{{- if not .Values.frontend.image.repository }}
{{- fail "frontend.image.repository: set the container image repository" }}
{{- end }}
{{- if and .Values.frontend.service.externalTrafficPolicy (not (has (toString .Values.frontend.service.type) (list "NodePort" "LoadBalancer"))) }}
{{- fail "frontend.service.externalTrafficPolicy: Kubernetes takes it only for NodePort and LoadBalancer Services; set frontend.service.type to one of them or empty it" }}
{{- end }}
{{- if and .Values.frontend.service.loadBalancerSourceRanges (ne (toString .Values.frontend.service.type) "LoadBalancer") }}
{{- fail "frontend.service.loadBalancerSourceRanges: Kubernetes takes them only for LoadBalancer Services; set frontend.service.type to LoadBalancer or empty them" }}
{{- end }}
{{- if not .Values.redis.image.repository }}
{{- fail "redis.image.repository: set the container image repository" }}
{{- end }}
{{- if and .Values.redis.service.externalTrafficPolicy (not (has (toString .Values.redis.service.type) (list "NodePort" "LoadBalancer"))) }}
{{- fail "redis.service.externalTrafficPolicy: Kubernetes takes it only for NodePort and LoadBalancer Services; set redis.service.type to one of them or empty it" }}
{{- end }}
{{- if and .Values.redis.service.loadBalancerSourceRanges (ne (toString .Values.redis.service.type) "LoadBalancer") }}
{{- fail "redis.service.loadBalancerSourceRanges: Kubernetes takes them only for LoadBalancer Services; set redis.service.type to LoadBalancer or empty them" }}
{{- end }}
{{- if and .Values.ingress.enabled (not .Values.ingress.hosts) }}
{{- fail "ingress.hosts: an enabled ingress needs at least one host; add one or set ingress.enabled=false" }}
{{- end }}
{{- if not .Values.tests.image.repository }}
{{- fail "tests.image.repository: set the container image repository" }}
{{- end }}
{{- end }}
