/** What a backbone plugin needs, importable from anywhere as 'facelossbench/backbone-kit'. */
export { defineBackbone, type BackbonePlugin, type BackboneContext } from './backbone-plugin.js';
export { SeededLayers } from './backbone-layers.js';
