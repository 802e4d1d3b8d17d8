/** What a backbone plugin needs, importable from anywhere as 'facelossbench/backbone-kit'. */
export { defineBackbone, type BackbonePlugin, type BackboneContext } from './contract.js';
export { SeededLayers } from './seeded-layers.js';
